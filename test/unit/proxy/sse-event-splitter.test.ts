/** The SSE event splitter: lines ended by \r\n, \n or \r, events at blank lines, however text is cut. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createSseEventSplitter } from "../../../src/proxy/upstream/sse-events.ts";

function eventsOf(pieces: readonly string[]): string[][] {
  const events: string[][] = [];
  const splitter = createSseEventSplitter((lines) => events.push([...lines]));
  for (const piece of pieces) splitter.push(piece);
  splitter.finish();
  return events;
}

describe("createSseEventSplitter", () => {
  test.each([
    ["\\n", "data: a\nid: 1\n\ndata: b\n\n"],
    ["\\r\\n", "data: a\r\nid: 1\r\n\r\ndata: b\r\n\r\n"],
    ["\\r", "data: a\rid: 1\r\rdata: b\r\r"],
    ["mixed", "data: a\r\nid: 1\n\rdata: b\n\r\n"],
  ])("splits events at blank lines with %s line ends", (_, text) => {
    expect(eventsOf([text])).toEqual([["data: a", "id: 1"], ["data: b"]]);
  });

  test("a \\r\\n cut between two pushes is one line end, not a blank line", () => {
    expect(eventsOf(["data: a\r", "\ndata: b\r\n\r\n"])).toEqual([["data: a", "data: b"]]);
  });

  test("hands each event on as soon as its blank line arrives", () => {
    const events: string[][] = [];
    const splitter = createSseEventSplitter((lines) => events.push([...lines]));
    splitter.push("data: a\n");
    expect(events).toEqual([]);
    splitter.push("\nda");
    expect(events).toEqual([["data: a"]]);
  });

  test.each([
    ["an unterminated line", ["data: a\n", "data: b"], [["data: a", "data: b"]]],
    ["a line ended by a final \\r", ["data: a\r"], [["data: a"]]],
    ["a blank line ended by a final \\r", ["data: a\r\n\r"], [["data: a"]]],
    ["nothing", [], []],
  ])("at the end, %s completes the last event", (_, pieces, expected) => {
    expect(eventsOf(pieces)).toEqual(expected);
  });

  test("gives the same events however the text is cut", () => {
    const line = fc.stringMatching(/^[a-z: ]{0,6}$/);
    const end = fc.constantFrom("\n", "\r\n", "\r");
    const text = fc
      .array(fc.tuple(line, end), { maxLength: 12 })
      .map((ls) => ls.map(([l, e]) => l + e).join(""));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (whole, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i) => whole.slice(from, at[i] ?? whole.length));
        expect(eventsOf(pieces)).toEqual(eventsOf([whole]));
      }),
    );
  });
});
