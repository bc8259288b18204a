import { describe, expect, test } from "bun:test";
import { describeFailures, junitFailures } from "../../../scripts/junit-failures.mjs";

// The shape bun test writes (`--reporter=junit`): a failure's text escaped as XML, newlines as &#10;.
const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="3" failures="2">
  <testsuite name="a.test.ts" file="a.test.ts" tests="3" failures="2">
    <testcase name="compares &lt;maps&gt; &amp; sets" classname="" file="a.test.ts" line="2">
      <failure type="AssertionError" message="m">AssertionError: expect(received).toEqual(expected)&#10;-     3,&#10;+     2,&#10;      at a.test.ts:2:65&#10;</failure>
    </testcase>
    <testcase name="passes" classname="" file="a.test.ts" line="3" assertions="1" />
    <testcase name="throws" classname="" file="b.test.ts" line="4">
      <failure type="Error" message="boom">Error: boom &quot;quoted&quot; &#x2192; there</failure>
    </testcase>
  </testsuite>
</testsuites>`;

describe("the failures of a JUnit report", () => {
  test("are each failed case's file, name and text, decoded; a passed case is left out", () => {
    expect(junitFailures(REPORT)).toEqual([
      {
        file: "a.test.ts",
        name: "compares <maps> & sets",
        text: "AssertionError: expect(received).toEqual(expected)\n-     3,\n+     2,\n      at a.test.ts:2:65",
      },
      { file: "b.test.ts", name: "throws", text: 'Error: boom "quoted" → there' },
    ]);
  });

  test("a report without failures has none", () => {
    expect(junitFailures(REPORT.replace(/<failure[\s\S]*?<\/failure>/g, ""))).toEqual([]);
  });

  test("print under a heading each, a long text cut to the lines asked for", () => {
    const text = describeFailures(
      [
        { file: "a.test.ts", name: "one", text: "l1\nl2\nl3\nl4" },
        { file: "b.test.ts", name: "two", text: "short" },
      ],
      2,
    );
    expect(text).toBe("--- a.test.ts > one\nl1\nl2\n… 2 more lines\n\n--- b.test.ts > two\nshort");
  });
});
