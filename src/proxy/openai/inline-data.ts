/**
 * Images and files a client sends inline, as `data:` URLs (Chat Completions' `image_url.url`,
 * `file.file_data`; the Responses API's `input_image.image_url`, `input_file.file_data`) →
 * Gemini `inlineData`. The base64 text is passed on, never decoded. Remote URLs are refused —
 * grantpool never fetches URLs a client names — and so are uploaded file ids (the Files API,
 * which grantpool does not serve).
 */
import { err, ok, type Result } from "../../result.ts";
import type { GeminiPart } from "../translation/gemini-contents.ts";

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*);base64,/i;

export function dataUrlPart(url: string, path: string): Result<GeminiPart, string> {
  const match = DATA_URL.exec(url);
  if (match === null) {
    if (/^https?:/i.test(url)) {
      return err(
        `${path}: remote URLs are not supported (grantpool never fetches URLs a client names); send the data as a base64 data URL (data:image/png;base64,…)`,
      );
    }
    return err(`${path}: must be a base64 data URL (data:<media type>;base64,…)`);
  }
  return ok({
    inlineData: { mimeType: (match[1] as string).toLowerCase(), data: url.slice(match[0].length) },
  });
}

/** A file part's data: a data URL, or bare base64 with the media type its name implies. */
export function fileDataPart(
  fileData: string,
  filename: string | undefined,
  path: string,
): Result<GeminiPart, string> {
  if (fileData.startsWith("data:")) return dataUrlPart(fileData, path);
  const mimeType =
    filename?.toLowerCase().endsWith(".pdf") === false ? "application/octet-stream" : "application/pdf";
  return ok({ inlineData: { mimeType, data: fileData } });
}

export const FILE_ID_REFUSED =
  "uploaded files (file_id) are not supported: grantpool does not serve the Files API; send the data inline";
