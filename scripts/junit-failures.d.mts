// Types for junit-failures.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

export interface JunitFailure {
  readonly file: string;
  readonly name: string;
  readonly text: string;
}

/** Each failed test case of a JUnit report: its file, name and failure text (entities decoded). */
export function junitFailures(xml: string): JunitFailure[];

/** The failures as printable text, each cut to `maxLines` lines. */
export function describeFailures(failures: readonly JunitFailure[], maxLines?: number): string;
