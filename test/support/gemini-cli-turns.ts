/**
 * The emulated model's side of Gemini CLI's calls. Left to choose the model, Gemini CLI first asks
 * a small router model for a JSON verdict on the prompt's complexity (`responseMimeType:
 * application/json` with a `complexity_score` schema), then calls the model it chose: routerTurn
 * answers the first in the schema's shape. readFileRoundTrip is one tool round trip: asked about
 * a file in the workspace, the model calls the `read_file` tool Gemini CLI declares with that
 * file's name (its thoughtSignature on the call, as Gemini 3 sends it); once the function response
 * comes back, it answers with a sentence quoting what the file holds — which only Gemini CLI,
 * having read the file, could have sent. Any other call gets a plain text, so the script answers
 * whatever the CLI sends, in any order.
 */
import {
  declaredFunctionNames,
  functionResponsesIn,
  newThoughtSignature,
  thoughtSignaturesIn,
} from "./google-emulator-turns.ts";
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

export interface ReadFileRoundTrip {
  /** The prompt to give Gemini CLI. */
  readonly prompt: string;
  /** The file to put in its working directory, by name, and what it holds. */
  readonly fileName: string;
  readonly fileText: string;
  /** The model's final answer once it has seen the file. */
  readonly finalText: string;
  /** The emulator's default turn while the test runs. */
  readonly turn: (call: GenerateCallView) => ModelTurn;
  /** The read_file function responses the model received, as Gemini saw them. */
  readonly responses: unknown[];
  /** How many times the model asked for the read_file call. */
  readonly calls: () => number;
  /** The signature on the model's function call. */
  readonly signature: string;
  /** The signatures the request carrying the function response sent back. */
  readonly signaturesBack: string[];
}

export function readFileRoundTrip(): ReadFileRoundTrip {
  const marker = crypto.randomUUID().replaceAll("-", "");
  const fileName = `notes-${marker.slice(0, 8)}.txt`;
  const fileText = `the secret word is ${marker}\n`;
  const finalText = `The file says the secret word is ${marker}.`;
  const prompt = `What is the secret word in ${fileName}?`;
  const responses: unknown[] = [];
  const signature = newThoughtSignature();
  const signaturesBack: string[] = [];
  let calls = 0;
  const turn = (call: GenerateCallView): ModelTurn => {
    const routed = routerTurn(call);
    if (routed !== undefined) return routed;
    const answers = functionResponsesIn(call.request).filter((r) => r.name === "read_file");
    if (answers.length > 0) {
      responses.push(...answers.map((a) => a.response));
      signaturesBack.push(...thoughtSignaturesIn(call.request));
      const output = JSON.stringify(answers.at(-1)?.response ?? "");
      return { parts: [{ text: output.includes(marker) ? finalText : `No secret word in ${output}` }] };
    }
    const asked = JSON.stringify(call.request.contents ?? []).includes(fileName);
    if (asked && declaredFunctionNames(call.request).includes("read_file")) {
      calls += 1;
      return {
        parts: [
          { functionCall: { name: "read_file", args: { file_path: fileName } }, thoughtSignature: signature },
        ],
      };
    }
    return { parts: [{ text: "Nothing to do here." }] };
  };
  return {
    prompt,
    fileName,
    fileText,
    finalText,
    turn,
    responses,
    calls: () => calls,
    signature,
    signaturesBack,
  };
}
