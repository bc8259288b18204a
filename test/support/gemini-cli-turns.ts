/**
 * The emulated model's side of Gemini CLI's calls. Left to choose the model, Gemini CLI first asks
 * a small router model for a JSON verdict on the prompt's complexity (`responseMimeType:
 * application/json` with a `complexity_score` schema), then calls the model it chose: routerTurn
 * answers the first in the schema's shape. readFileRoundTrip is one tool round trip: asked about
 * a file in the workspace, the model calls the `read_file` tool Gemini CLI declares with that
 * file's name (agent-turns.ts); once the function response comes back, it answers with a sentence
 * quoting what the file holds — which only Gemini CLI, having read the file, could have sent.
 */
import { type ToolRoundTrip, toolRoundTrip } from "./agent-turns.ts";
import type { GenerateCallView, ModelTurn } from "./google-emulator-types.ts";

/** The router's verdict when the call is Gemini CLI's routing question, else undefined. */
export function routerTurn(call: GenerateCallView): ModelTurn | undefined {
  const config = call.request.generationConfig as { responseMimeType?: unknown } | undefined;
  const routing =
    config?.responseMimeType === "application/json" && JSON.stringify(config).includes("complexity_score");
  if (!routing) return undefined;
  const verdict = { complexity_reasoning: "A simple request.", complexity_score: 5 };
  return { parts: [{ text: JSON.stringify(verdict) }] };
}

export interface ReadFileRoundTrip extends ToolRoundTrip {
  /** The prompt to give Gemini CLI. */
  readonly prompt: string;
  /** The file to put in its working directory, by name, and what it holds. */
  readonly fileName: string;
  readonly fileText: string;
  /** The model's final answer once it has seen the file. */
  readonly finalText: string;
}

export function readFileRoundTrip(): ReadFileRoundTrip {
  const marker = crypto.randomUUID().replaceAll("-", "");
  const fileName = `notes-${marker.slice(0, 8)}.txt`;
  const fileText = `the secret word is ${marker}\n`;
  const finalText = `The file says the secret word is ${marker}.`;
  const prompt = `What is the secret word in ${fileName}?`;
  const trip = toolRoundTrip({
    tool: "read_file",
    args: { file_path: fileName },
    cue: fileName,
    expected: marker,
    finalText,
    missing: "secret word",
  });
  return {
    prompt,
    fileName,
    fileText,
    finalText,
    ...trip,
    turn: (call) => routerTurn(call) ?? trip.turn(call),
  };
}
