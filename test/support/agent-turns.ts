/**
 * The emulated model's side of one tool round trip with an agent CLI (Claude Code, Gemini CLI,
 * Codex): once the conversation holds the test's cue and the agent declares the tool, the model
 * calls it (after a thought summary, if the script has one), its thoughtSignature on the call as
 * Gemini 3 sends it; once the function response comes back it answers with the final text if the
 * output holds what it should. Any other call gets a plain text, so the script answers whatever the
 * agent sends, in any order. The per-agent files say which tool, which arguments, which cue.
 */
import {
  declaredFunctionNames,
  functionResponsesIn,
  newThoughtSignature,
  thoughtSignaturesIn,
} from "./google-emulator-turns.ts";
import type { GenerateCallView, ModelTurn } from "./google-emulator-types.ts";

export interface ToolRoundTrip {
  /** The emulator's default turn while the test runs. */
  readonly turn: (call: GenerateCallView) => ModelTurn;
  /** The tool's function responses the model received, as Gemini saw them. */
  readonly responses: unknown[];
  /** How many times the model asked for the tool call. */
  readonly calls: () => number;
  /** The signature on the model's function call. */
  readonly signature: string;
  /** The signatures the request carrying the function response sent back. */
  readonly signaturesBack: string[];
}

export interface ToolRoundTripScript {
  /** The tool to call, by the name the agent declares it under, and the call's arguments. */
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** Text only the prompt carries: the model calls the tool once the conversation holds it. */
  readonly cue: string;
  /** What the tool's output must hold for the model to answer `finalText`. */
  readonly expected: string;
  readonly finalText: string;
  /** What the answer names as missing otherwise: `No ${missing} in <output>`. */
  readonly missing: string;
  /** A thought summary sent before the call. */
  readonly thought?: string;
}

export function toolRoundTrip(script: ToolRoundTripScript): ToolRoundTrip {
  const responses: unknown[] = [];
  const signature = newThoughtSignature();
  const signaturesBack: string[] = [];
  let calls = 0;
  const turn = (call: GenerateCallView): ModelTurn => {
    const answers = functionResponsesIn(call.request).filter((r) => r.name === script.tool);
    if (answers.length > 0) {
      responses.push(...answers.map((a) => a.response));
      signaturesBack.push(...thoughtSignaturesIn(call.request));
      const output = JSON.stringify(answers.at(-1)?.response ?? "");
      const answer = output.includes(script.expected)
        ? script.finalText
        : `No ${script.missing} in ${output}`;
      return { parts: [{ text: answer }] };
    }
    const asked = JSON.stringify(call.request.contents ?? []).includes(script.cue);
    if (asked && declaredFunctionNames(call.request).includes(script.tool)) {
      calls += 1;
      return {
        parts: [
          ...(script.thought === undefined ? [] : [{ text: script.thought, thought: true }]),
          { functionCall: { name: script.tool, args: { ...script.args } }, thoughtSignature: signature },
        ],
      };
    }
    return { parts: [{ text: "Nothing to do here." }] };
  };
  return { turn, responses, calls: () => calls, signature, signaturesBack };
}

export interface ShellCommandRoundTrip extends ToolRoundTrip {
  /** The prompt to give the agent. */
  readonly prompt: string;
  /** What the shell prints for the command the model asks for. */
  readonly expectedOutput: string;
  /** The model's final answer once it has seen that output. */
  readonly finalText: string;
}

export interface ShellCommandRoundTripOptions {
  /** The agent's shell tool. */
  readonly tool: string;
  /** The tool's arguments for running `command`. */
  readonly args: (command: string) => Record<string, unknown>;
}

/**
 * Asked for a marker, the model thinks and calls the agent's shell tool with a command whose output
 * only a shell can produce (`$((6*7))`), then answers with a sentence built from that output.
 */
export function shellCommandRoundTrip(options: ShellCommandRoundTripOptions): ShellCommandRoundTrip {
  const marker = `marker-${crypto.randomUUID().replaceAll("-", "")}`;
  const expectedOutput = `${marker}-42`;
  const finalText = `The shell printed ${expectedOutput}.`;
  const prompt = `Run the shell command that prints ${marker} followed by six times seven.`;
  const trip = toolRoundTrip({
    tool: options.tool,
    args: options.args(`echo "${marker}-$((6*7))"`),
    cue: marker,
    expected: expectedOutput,
    finalText,
    missing: "marker",
    thought: "The user wants the marker and a product from the shell.",
  });
  return { prompt, expectedOutput, finalText, ...trip };
}
