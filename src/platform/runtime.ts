/**
 * The few calls that differ between Bun and Deno: serving HTTP, shutdown signals, reading stdin,
 * and naming the runtime. Everything else uses web APIs or `node:` modules both runtimes provide.
 */

import { admitRequest, plainRefusal, type Refuse } from "./request-gate.ts";

declare const Deno:
  | {
      serve(
        options: {
          port: number;
          hostname: string;
          onListen?: (addr: { port: number }) => void;
          onError?: (error: unknown) => Response;
        },
        handler: (request: Request) => Response | Promise<Response>,
      ): { finished: Promise<void>; shutdown(): Promise<void>; addr: { port: number } };
      addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
      stdin: { readable: ReadableStream<Uint8Array> };
      version: { deno: string };
    }
  | undefined;

export type RuntimeName = "bun" | "deno";

export function runtimeName(): RuntimeName {
  return typeof Deno !== "undefined" ? "deno" : "bun";
}

export function runtimeVersion(): string {
  if (typeof Deno !== "undefined") return `deno ${Deno.version.deno}`;
  return `bun ${Bun.version}`;
}

export interface ServeOptions {
  readonly port: number;
  readonly hostname: string;
  /** Shapes the request gate's refusals (a bad Host, CONNECT); Google's error shape by default. */
  readonly refuse?: Refuse;
  /** Told of an error the handler threw (the client gets a bare 500); never shown to clients. */
  readonly onUnexpectedError?: (error: unknown) => void;
}

export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * What a client gets when a handler throws: a short JSON 500 — never the runtime's development
 * page, which shows source lines, paths and the request (keys in its query included).
 */
function internalErrorReply(): Response {
  return Response.json(
    { error: { code: 500, message: "internal error", status: "INTERNAL" } },
    { status: 500 },
  );
}

/** Serves `handler` behind the request gate (request-gate.ts), with a JSON last resort for errors. */
export function serve(app: FetchHandler, options: ServeOptions): RunningServer {
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  const refuse = options.refuse ?? plainRefusal;
  const handler: FetchHandler = (request) => {
    const admission = admitRequest(request, refuse);
    return admission.ok ? app(admission.request) : admission.reply;
  };
  const onError = (error: unknown): Response => {
    options.onUnexpectedError?.(error);
    return internalErrorReply();
  };
  if (typeof Deno !== "undefined") {
    const server = Deno.serve(
      { port: options.port, hostname: options.hostname, onListen: () => {}, onError },
      handler,
    );
    const port = server.addr.port;
    return { port, url: `http://${host}:${port}`, stop: () => server.shutdown() };
  }
  const server = Bun.serve({
    port: options.port,
    hostname: options.hostname,
    fetch: handler,
    error: onError,
    development: false,
    // No idle timeout: an upstream may think for minutes before its first byte, and a stream may
    // pause as long. Slow request bodies are cut by the proxy's own body timeout instead.
    idleTimeout: 0,
  });
  const port = server.port ?? options.port;
  // Graceful: replies being written (a login callback page, a streamed answer) are finished first.
  return { port, url: `http://${host}:${port}`, stop: () => server.stop() };
}

/** Calls `handler` once on the first SIGINT or SIGTERM. */
export function onShutdownSignal(handler: (signal: string) => void): void {
  let fired = false;
  const once = (signal: string) => () => {
    if (fired) return;
    fired = true;
    handler(signal);
  };
  if (typeof Deno !== "undefined") {
    Deno.addSignalListener("SIGINT", once("SIGINT"));
    Deno.addSignalListener("SIGTERM", once("SIGTERM"));
    return;
  }
  process.on("SIGINT", once("SIGINT"));
  process.on("SIGTERM", once("SIGTERM"));
}

export async function readAllStdin(): Promise<string> {
  if (typeof Deno !== "undefined") return new Response(Deno.stdin.readable).text();
  return Bun.stdin.text();
}
