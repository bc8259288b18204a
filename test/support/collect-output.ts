/**
 * A child process's whole output, read to its end, with a deadline: a child still running then is
 * killed (`kill`, SIGKILL by default; an agent kills its whole process group), and the result says
 * so. Used by every runner of a program whose output a test reads at once.
 */

export interface CollectedOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The deadline passed and the child was killed. */
  readonly timedOut: boolean;
}

interface PipedChild {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly exited: Promise<number>;
  kill(signal?: number | NodeJS.Signals): void;
}

export async function collectOutput(
  child: PipedChild,
  deadlineMs: number,
  kill: () => void = () => child.kill("SIGKILL"),
): Promise<CollectedOutput> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, deadlineMs);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { code, stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}
