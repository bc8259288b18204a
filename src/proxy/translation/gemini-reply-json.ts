/**
 * A whole 2xx Gemini reply read as JSON for a translator. The account answered; when the body
 * breaks off or is not JSON, the client gets a 502 in its own protocol saying so, never the
 * body's text.
 */
import { errorReply, type Protocol } from "../protocol-errors.ts";
import { describeCause } from "../upstream/describe-cause.ts";

export type GeminiJson = { ok: true; value: unknown } | { ok: false; reply: Response };

export async function readGeminiJson(reply: Response, protocol: Protocol): Promise<GeminiJson> {
  let text: string;
  try {
    text = await reply.text();
  } catch (cause) {
    return {
      ok: false,
      reply: errorReply(protocol, {
        kind: "upstream_unreachable",
        message: `the upstream's reply broke off: ${describeCause(cause)}`,
      }),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      reply: errorReply(protocol, {
        kind: "upstream_unreachable",
        message: "the upstream's reply is not JSON",
      }),
    };
  }
}
