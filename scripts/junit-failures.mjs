// The failures of a JUnit report (bun test's), as text to print at the end of `npm test`: the
// console shows each failure where it happened, often thousands of lines before the end, and a CI
// log is often read from its tail only.

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text) {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, name) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name];
  });
}

/** Each failed test case: its file, name and failure text (entities decoded). */
export function junitFailures(xml) {
  const failures = [];
  const testcase = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(testcase)) {
    const inner = match[2] ?? "";
    const failure = /<(failure|error)\b[^>]*>([\s\S]*?)<\/\1>/.exec(inner);
    if (failure === null) continue;
    const attribute = (key) => decode(new RegExp(`\\b${key}="([^"]*)"`).exec(match[1])?.[1] ?? "");
    failures.push({ file: attribute("file"), name: attribute("name"), text: decode(failure[2]).trimEnd() });
  }
  return failures;
}

/** The failures as printable text, each cut to `maxLines` lines. */
export function describeFailures(failures, maxLines = 60) {
  return failures
    .map(({ file, name, text }) => {
      const lines = text.split("\n");
      const shown =
        lines.length > maxLines
          ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`]
          : lines;
      return `--- ${file} > ${name}\n${shown.join("\n")}`;
    })
    .join("\n\n");
}
