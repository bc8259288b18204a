/**
 * The emulated model's side of one tool round trip with Gemini CLI: asked about a file in the
 * workspace, the model calls the `read_file` tool Gemini CLI declares with that file's name; once
 * the function response comes back, it answers with a sentence quoting what the file holds —
 * which only Gemini CLI, having read the file, could have sent. Any other call gets a plain text,
 * so the script answers whatever the CLI sends, in any order.
 */
import { declaredFunctionNames, functionResponsesIn } from "./google-emulator-turns.ts";
import type { GenerateCallView, ModelTurn } from "./google-emulator-types.ts";

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
}

export function readFileRoundTrip(): ReadFileRoundTrip {
  const marker = crypto.randomUUID().replaceAll("-", "");
  const fileName = `notes-${marker.slice(0, 8)}.txt`;
  const fileText = `the secret word is ${marker}\n`;
  const finalText = `The file says the secret word is ${marker}.`;
  const prompt = `What is the secret word in ${fileName}?`;
  const responses: unknown[] = [];
  let calls = 0;
  const turn = (call: GenerateCallView): ModelTurn => {
    const answers = functionResponsesIn(call.request).filter((r) => r.name === "read_file");
    if (answers.length > 0) {
      responses.push(...answers.map((a) => a.response));
      const output = JSON.stringify(answers.at(-1)?.response ?? "");
      return { parts: [{ text: output.includes(marker) ? finalText : `No secret word in ${output}` }] };
    }
    const asked = JSON.stringify(call.request.contents ?? []).includes(fileName);
    if (asked && declaredFunctionNames(call.request).includes("read_file")) {
      calls += 1;
      return { parts: [{ functionCall: { name: "read_file", args: { file_path: fileName } } }] };
    }
    return { parts: [{ text: "Nothing to do here." }] };
  };
  return { prompt, fileName, fileText, finalText, turn, responses, calls: () => calls };
}
