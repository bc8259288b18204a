/**
 * The Gemini GenerateContentRequest every translated protocol builds from its parts: the
 * conversation, the system instruction when there is one, and the tool declarations and tool
 * config when there are any (Gemini refuses empty ones).
 */
export interface GeminiRequestParts {
  readonly contents: readonly unknown[];
  readonly systemParts: readonly unknown[];
  readonly tools: unknown;
  readonly toolConfig: unknown;
}

export function geminiRequestBody(parts: GeminiRequestParts): Record<string, unknown> {
  const body: Record<string, unknown> = { contents: parts.contents };
  if (parts.systemParts.length > 0) body.systemInstruction = { parts: parts.systemParts };
  if (parts.tools !== undefined) body.tools = parts.tools;
  if (parts.toolConfig !== undefined) body.toolConfig = parts.toolConfig;
  return body;
}
