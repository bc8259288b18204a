/** The emulator's streamed replies that go wrong after they began, as Google's do. */
import { describe, expect, test } from "bun:test";
import { type GoogleEmulator, startGoogleEmulator } from "../../support/google-emulator.ts";
import { waitFor } from "../../support/wait-for.ts";

const HI = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
const OVERLOADED = {
  error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
};

async function accessToken(emu: GoogleEmulator): Promise<string> {
  const reply = await fetch(emu.tokenUrl, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: emu.addIdentity({ email: "a@x.com", projectId: "proj-a" }),
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    }),
  });
  return ((await reply.json()) as { access_token: string }).access_token;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

async function stream(emu: GoogleEmulator, options: { codeAssist?: boolean; query?: string; via?: Fetch }) {
  const path = options.codeAssist
    ? "/v1internal:streamGenerateContent"
    : "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
  const body = options.codeAssist ? { model: "gemini-2.5-flash", request: HI } : HI;
  const reply = await (options.via ?? fetch)(`${emu.upstreamUrl}${path}${options.query ?? "?alt=sse"}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await accessToken(emu)}` },
    body: JSON.stringify(body),
  });
  if (reply.body === null) throw new Error("no body");
  return { reply, reader: reply.body.getReader() };
}

/** Reads until the stream ends; a failed read is returned as its error. */
async function readAll(reader: {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}): Promise<{ text: string; error?: unknown }> {
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read())
      text += decoder.decode(next.value);
    return { text };
  } catch (error) {
    return { text, error };
  }
}

const events = (text: string) =>
  text
    .split("\r\n\r\n")
    .filter((e) => e !== "")
    .map((e) => JSON.parse(e.replace(/^data: /, "")) as Record<string, unknown>);

describe("stream faults", () => {
  test("a break drops the connection after the given events: the reader has them, then its read fails", async () => {
    await using emu = await startGoogleEmulator();
    emu.setStreamChunks(["one ", "two ", "three"]);
    emu.failStreams({ kind: "break", afterEvents: 2 }, { times: 1 });
    const hold = emu.holdStream();
    hold.releaseNext();
    hold.releaseNext();
    const { reply, reader } = await stream(emu, {});
    expect(reply.status).toBe(200);
    const decoder = new TextDecoder();
    let text = "";
    while (text.split("\r\n\r\n").length < 3) {
      const next = await reader.read();
      if (next.done) throw new Error(`ended early after ${JSON.stringify(text)}`);
      text += decoder.decode(next.value);
    }
    expect(events(text).map((e) => JSON.stringify(e))).toEqual([
      expect.stringContaining('"text":"one "'),
      expect.stringContaining('"text":"two "'),
    ]);
    await waitFor(() => hold.waiting() === 1, { message: "the break to wait for its release" });
    hold.releaseAll();
    await expect(reader.read()).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(emu.upstreamStreams[0]).toMatchObject({ events: 2, sent: 2, state: "broken" });
    // Only one call was broken.
    const whole = await readAll((await stream(emu, {})).reader);
    expect(whole.error).toBeUndefined();
    expect(events(whole.text)).toHaveLength(3);
  });

  test("read in-process (google.fetch), a break fails the read as Bun's fetch reports a reset", async () => {
    await using emu = await startGoogleEmulator();
    emu.failStreams({ kind: "break", afterEvents: 1 });
    const { reader } = await stream(emu, { via: (url, init) => emu.fetch(url, init) });
    const read = await readAll(reader);
    expect(events(read.text)).toHaveLength(1);
    expect(read.error).toBeInstanceOf(TypeError);
    expect(read.error).toMatchObject({ code: "ECONNRESET" });
  });

  test("an error event ends the stream after the given events, unwrapped on Cloud Code too", async () => {
    await using emu = await startGoogleEmulator();
    emu.setStreamChunks(["one ", "two ", "three"]);
    emu.failStreams({ kind: "error_event", afterEvents: 1 }, { times: 2 });
    const gemini = await readAll((await stream(emu, {})).reader);
    expect(gemini.error).toBeUndefined();
    const [first, last, ...rest] = events(gemini.text);
    expect(first).toMatchObject({ candidates: [{ content: { parts: [{ text: "one " }] } }] });
    expect(last).toEqual(OVERLOADED);
    expect(rest).toEqual([]);

    const codeAssist = await readAll((await stream(emu, { codeAssist: true })).reader);
    const wrapped = events(codeAssist.text);
    expect(wrapped[0]).toMatchObject({
      response: { candidates: [{ content: { parts: [{ text: "one " }] } }] },
    });
    expect(wrapped.slice(1)).toEqual([OVERLOADED]);
    expect(emu.upstreamStreams.map((s) => s.state)).toEqual(["complete", "complete"]);
  });

  test("without alt=sse the error event is the JSON array's last element", async () => {
    await using emu = await startGoogleEmulator();
    emu.failStreams({ kind: "error_event", afterEvents: 1 });
    const read = await readAll((await stream(emu, { query: "" })).reader);
    const array = JSON.parse(read.text) as unknown[];
    expect(array).toHaveLength(2);
    expect(array[1]).toEqual(OVERLOADED);
  });

  test("a call that does not stream leaves a stream fault to the next streamed reply", async () => {
    await using emu = await startGoogleEmulator();
    emu.failStreams({ kind: "error_event", afterEvents: 0 }, { times: 1 });
    const token = await accessToken(emu);
    const whole = await fetch(`${emu.upstreamUrl}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(HI),
    });
    expect(whole.status).toBe(200);
    const read = await readAll((await stream(emu, {})).reader);
    expect(events(read.text)).toEqual([OVERLOADED]);
  });
});
