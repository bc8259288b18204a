/**
 * A Gemini client for the end-to-end suite: calls the proxy's `generateContent` the way an SDK
 * would and keeps the whole exchange (status, headers, body) for assertions and the secret scan.
 */

export const GENERATE_BODY = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

export interface GeminiReply {
  readonly status: number;
  /** The `x-grantpool-account` header: the id of the account that served the reply. */
  readonly account: string | null;
  /** The first candidate's text; undefined when the reply is not a Gemini answer. */
  readonly text: string | undefined;
  /** Status line, headers and body as received, for scanning and failure messages. */
  readonly transcript: string;
}

function firstText(body: string): string | undefined {
  try {
    const reply = JSON.parse(body) as { candidates?: { content?: { parts?: { text?: unknown }[] } }[] };
    const text = reply.candidates?.[0]?.content?.parts?.[0]?.text;
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

export async function generateContent(proxyUrl: string, model = "gemini-2.5-flash"): Promise<GeminiReply> {
  const response = await fetch(`${proxyUrl}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(GENERATE_BODY),
  });
  const body = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  return {
    status: response.status,
    account: response.headers.get("x-grantpool-account"),
    text: firstText(body),
    transcript: `HTTP ${response.status}\n${headers}\n\n${body}`,
  };
}

/** `n` requests at once, as concurrent clients would send them. */
export function generateConcurrently(proxyUrl: string, n: number): Promise<GeminiReply[]> {
  return Promise.all(Array.from({ length: n }, () => generateContent(proxyUrl)));
}
