/**
 * The emulated model's side of one tool round trip with Claude Code: asked for the marker, the
 * model thinks (a thought summary) and calls the Bash tool Claude Code declares with a command
 * whose output only a shell can produce (`$((6*7))`), its thoughtSignature on the call as Gemini 3
 * sends it; once the function response comes back it answers with a sentence built from that
 * output. Any other call (a side call for a title, a quota check) gets a plain
 * text, so the script answers whatever Claude Code sends, in any order.
 */
import {
  declaredFunctionNames,
  functionResponsesIn,
  newThoughtSignature,
  thoughtSignaturesIn,
} from "./google-emulator-turns.ts";
import type { GenerateCallView, ModelTurn } from "./google-emulator-types.ts";

export interface BashRoundTrip {
  /** The prompt to give Claude Code. */
  readonly prompt: string;
  /** What the shell prints for the command the model asks for. */
  readonly expectedOutput: string;
  /** The model's final answer once it has seen that output. */
  readonly finalText: string;
  /** The emulator's default turn while the test runs. */
  readonly turn: (call: GenerateCallView) => ModelTurn;
  /** The Bash function responses the model received, as Gemini saw them. */
  readonly responses: unknown[];
  /** How many times the model asked for the Bash call. */
  readonly calls: () => number;
  /** The signature on the model's function call. */
  readonly signature: string;
  /** The signatures the request carrying the function response sent back. */
  readonly signaturesBack: string[];
}

function conversationText(request: Record<string, unknown>): string {
  return JSON.stringify(request.contents ?? []);
}

export function bashRoundTrip(): BashRoundTrip {
  const marker = `marker-${crypto.randomUUID().replaceAll("-", "")}`;
  const expectedOutput = `${marker}-42`;
  const finalText = `The shell printed ${expectedOutput}.`;
  const prompt = `Run the shell command that prints ${marker} followed by six times seven.`;
  const responses: unknown[] = [];
  const signature = newThoughtSignature();
  const signaturesBack: string[] = [];
  let calls = 0;
  const turn = (call: GenerateCallView): ModelTurn => {
    const answers = functionResponsesIn(call.request).filter((r) => r.name === "Bash");
    if (answers.length > 0) {
      responses.push(...answers.map((a) => a.response));
      signaturesBack.push(...thoughtSignaturesIn(call.request));
      const output = JSON.stringify(answers.at(-1)?.response ?? "");
      return { parts: [{ text: output.includes(expectedOutput) ? finalText : `No marker in ${output}` }] };
    }
    if (
      declaredFunctionNames(call.request).includes("Bash") &&
      conversationText(call.request).includes(marker)
    ) {
      calls += 1;
      const command = `echo "${marker}-$((6*7))"`;
      return {
        parts: [
          { text: "The user wants the marker and a product from the shell.", thought: true },
          {
            functionCall: { name: "Bash", args: { command, description: "Print the marker" } },
            thoughtSignature: signature,
          },
        ],
      };
    }
    return { parts: [{ text: "Nothing to do here." }] };
  };
  return {
    prompt,
    expectedOutput,
    finalText,
    turn,
    responses,
    calls: () => calls,
    signature,
    signaturesBack,
  };
}
