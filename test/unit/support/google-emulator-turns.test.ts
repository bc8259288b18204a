/** The emulator's scripted model turns: Gemini's shapes for function calls, thoughts and usage. */
import { describe, expect, test } from "bun:test";
import { type GoogleEmulator, startGoogleEmulator } from "../../support/google-emulator.ts";
import {
  declaredFunctionNames,
  functionResponsesIn,
  thoughtSignaturesIn,
} from "../../support/google-emulator-turns.ts";

const BASH = {
  functionDeclarations: [
    { name: "Read", parameters: { type: "object", properties: { path: { type: "string" } } } },
    { name: "Bash", parameters: { type: "object", properties: { command: { type: "string" } } } },
  ],
};
const ASK = { contents: [{ role: "user", parts: [{ text: "list the files" }] }], tools: [BASH] };

async function tokenFor(google: GoogleEmulator, email: string): Promise<string> {
  const refreshToken = google.addIdentity({ email });
  const reply = await fetch(google.tokenUrl, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: google.clientId,
      client_secret: google.clientSecret,
    }),
  });
  return ((await reply.json()) as { access_token: string }).access_token;
}

async function call(google: GoogleEmulator, token: string, action: string, body: unknown) {
  return fetch(`${google.upstreamUrl}/v1beta/models/gemini-2.5-pro:${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function sseData(text: string): Record<string, unknown>[] {
  return text
    .split("\r\n\r\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => JSON.parse(event.slice(6)) as Record<string, unknown>);
}

describe("scripted turns", () => {
  test("answer with a thought, its signature and a call of a tool the request declared, with Gemini's usage", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    google.scriptTurns((seen) => ({
      parts: [
        { text: "The user wants files.", thought: true },
        {
          functionCall: { name: declaredFunctionNames(seen.request).at(-1) ?? "?", args: { command: "ls" } },
          thoughtSignature: "sig-1",
        },
        { functionCall: { name: "Read", args: { path: "a" } } },
      ],
      cachedTokens: 3,
      thoughtsTokens: 40,
    }));
    const reply = await call(google, token, "generateContent", ASK);
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as {
      candidates: { content: { parts: unknown[]; role: string }; finishReason: string }[];
      usageMetadata: Record<string, number>;
    };
    expect(body.candidates[0]?.content.parts).toEqual([
      { text: "The user wants files.", thought: true },
      { functionCall: { name: "Bash", args: { command: "ls" } }, thoughtSignature: "sig-1" },
      { functionCall: { name: "Read", args: { path: "a" } } },
    ]);
    expect(body.candidates[0]?.finishReason).toBe("STOP");
    const usage = body.usageMetadata;
    expect(usage.cachedContentTokenCount).toBe(3);
    expect(usage.thoughtsTokenCount).toBe(40);
    expect(usage.totalTokenCount).toBe(
      (usage.promptTokenCount ?? 0) + (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    );
    // The queue is spent: the next call gets the default text.
    const next = await call(google, token, "generateContent", ASK);
    expect(JSON.stringify(await next.json())).toContain("answered by a@example.com");
  });

  test("stream in several chunks: text in pieces with the signature on the last, calls whole, finish at the end", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    google.setDefaultTurn({
      parts: [
        { text: "thinking hard", thought: true, thoughtSignature: "sig-t" },
        { text: "Here you go" },
        { functionCall: { name: "Bash", args: { command: "ls" } } },
      ],
      piecesPerText: 3,
    });
    const reply = await call(google, token, "streamGenerateContent?alt=sse", ASK);
    const chunks = sseData(await reply.text()) as {
      candidates: { content: { parts: Record<string, unknown>[] }; finishReason?: string }[];
      usageMetadata: Record<string, number>;
    }[];
    const parts = chunks.map((c) => c.candidates[0]?.content.parts[0]);
    expect(parts).toHaveLength(7);
    expect(parts.slice(0, 3).map((p) => p?.text)).toEqual(["think", "ing h", "ard"]);
    expect(parts.slice(0, 3).map((p) => p?.thoughtSignature)).toEqual([undefined, undefined, "sig-t"]);
    expect(parts[6]).toEqual({ functionCall: { name: "Bash", args: { command: "ls" } } });
    expect(chunks.map((c) => c.candidates[0]?.finishReason ?? null)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      "STOP",
    ]);
    expect(chunks.at(-1)?.usageMetadata.thoughtsTokenCount).toBeGreaterThan(0);
  });

  test("Cloud Code wraps every scripted chunk in {response}", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    google.setDefaultTurn({ parts: [{ text: "hello there" }] });
    const reply = await fetch(`${google.upstreamUrl}/v1internal:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-2.5-pro", project: "p", request: ASK }),
    });
    const chunks = sseData(await reply.text()) as { response: { candidates: unknown[] } }[];
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) expect(chunk.response.candidates).toHaveLength(1);
  });
});

describe("what Gemini checks in a request", () => {
  const history = (signature?: string) => ({
    contents: [
      { role: "user", parts: [{ text: "list the files" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "Bash", args: {} }, ...(signature ? { thoughtSignature: signature } : {}) },
        ],
      },
      { role: "user", parts: [{ functionResponse: { name: "Bash", response: { output: "a b" } } }] },
    ],
    tools: [BASH],
  });

  test("with signatures required, a replayed function call without its signature gets Google's 400", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    google.requireThoughtSignatures(true);
    const refused = await call(google, token, "generateContent", history());
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { status: string; message: string } }).error;
    expect(error.status).toBe("INVALID_ARGUMENT");
    expect(error.message).toStartWith("Function call is missing a thought_signature in functionCall parts.");
    expect(error.message).toContain("`default_api:Bash`");
    expect((await call(google, token, "generateContent", history("sig-1"))).status).toBe(200);
    const sent = google.upstreamRequests.at(-1)?.body;
    expect(thoughtSignaturesIn(sent)).toEqual(["sig-1"]);
    expect(functionResponsesIn(sent)).toEqual([{ name: "Bash", response: { output: "a b" }, id: undefined }]);
  });

  test("a call naming a Gemini 3 model is checked for signatures without the switch, a 2.5 one is not", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    const on = (model: string, body: unknown) =>
      fetch(`${google.upstreamUrl}/v1beta/models/${model}:generateContent`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await on("gemini-3-pro-preview", history())).status).toBe(400);
    expect((await on("gemini-3-pro-preview", history("sig-1"))).status).toBe(200);
    expect((await on("gemini-2.5-pro", history())).status).toBe(200);
    const wrapped = await fetch(`${google.upstreamUrl}/v1internal:generateContent`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ model: "gemini-3-flash-preview", project: "p", request: history() }),
    });
    expect(wrapped.status).toBe(400);
  });

  test("a parameters schema with a field Gemini's Schema lacks gets Google's unknown-field 400", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    const tool = {
      functionDeclarations: [
        {
          name: "Bash",
          parameters: {
            type: "object",
            properties: { command: { type: "string", additionalProperties: false } },
          },
        },
      ],
    };
    const refused = await call(google, token, "generateContent", { ...ASK, tools: [tool] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      `Invalid JSON payload received. Unknown name "additionalProperties" at 'tools[0].function_declarations[0].parameters.properties[0].value': Cannot find field.`,
    );
    const free = {
      functionDeclarations: [{ name: "Bash", parametersJsonSchema: { additionalProperties: false } }],
    };
    expect((await call(google, token, "generateContent", { ...ASK, tools: [free] })).status).toBe(200);
  });
});

describe("streamed replies as the reader takes them", () => {
  test("each stream records the events sent, and completion or the reader's going away", async () => {
    await using google = await startGoogleEmulator();
    const token = await tokenFor(google, "a@example.com");
    google.setStreamChunks(["a", "b", "c", "d"]);
    const whole = await call(google, token, "streamGenerateContent?alt=sse", ASK);
    expect(sseData(await whole.text())).toHaveLength(4);
    expect(google.upstreamStreams[0]).toEqual({
      path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
      events: 4,
      sent: 4,
      state: "complete",
    });
    // Without a socket between, an event is made only when the reader pulls.
    const partial = await google.fetch(
      `${google.upstreamUrl}/v1beta/models/gemini-2.5-pro:streamGenerateContent`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(ASK),
      },
    );
    const reader = partial.body?.getReader();
    await reader?.read();
    await reader?.read();
    expect(google.upstreamStreams[1]).toMatchObject({ events: 4, sent: 2, state: "open" });
    await reader?.cancel();
    expect(google.upstreamStreams[1]).toMatchObject({ sent: 2, state: "cancelled" });
  });
});
