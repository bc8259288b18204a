/**
 * Reads a request body under the size limit (SPEC §6.1): refused from Content-Length before any
 * byte is read, else counted while streaming (chunked bodies) and abandoned at the limit.
 */
import { err, ok, type Result } from "../result.ts";

export type BodyFailure =
  | { readonly kind: "too_large"; readonly limit: number }
  | { readonly kind: "unreadable" };

export async function readBodyWithLimit(
  request: Request,
  limit: number,
): Promise<Result<Uint8Array, BodyFailure>> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return err({ kind: "too_large", limit });
  if (request.body === null) return ok(new Uint8Array());
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return err({ kind: "too_large", limit });
      }
      chunks.push(value);
    }
  } catch {
    return err({ kind: "unreadable" });
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return ok(bytes);
}

/** Parses a body that must be a JSON object; the message says what is wrong, never echoes the body. */
export function parseJsonObject(bytes: Uint8Array): Result<Record<string, unknown>, string> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    return err(`request body is not valid JSON (${(cause as Error).name})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return err("request body must be a JSON object");
  }
  return ok(value as Record<string, unknown>);
}
