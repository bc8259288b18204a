/** Reading Prometheus text exposition in tests: the sum of a metric's samples matching some labels. */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export function parseSamples(text: string): Sample[] {
  return text.split("\n").flatMap((line) => {
    const match = SAMPLE.exec(line.trim());
    if (match === null || line.startsWith("#")) return [];
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL))
      if (key !== undefined) labels[key] = value ?? "";
    return [{ name: match[1] ?? "", labels, value: Number(match[3]) }];
  });
}

/** The sum over the samples of `name` whose labels include `where`; undefined when there are none. */
export function sampleSum(
  text: string,
  name: string,
  where: Record<string, string> = {},
): number | undefined {
  const samples = parseSamples(text).filter(
    (sample) =>
      sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value),
  );
  return samples.length === 0 ? undefined : samples.reduce((sum, sample) => sum + sample.value, 0);
}
