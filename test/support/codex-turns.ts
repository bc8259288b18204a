/**
 * The emulated model's side of one shell round trip with Codex: asked for the marker, the model
 * thinks (a thought summary) and calls `exec_command`, the shell tool Codex declares, with a
 * command whose output only a shell can produce (`$((6*7))`), its thoughtSignature on the call as
 * Gemini 3 sends it; once the function response comes back it answers with a sentence built from
 * that output. Any other call gets a plain text, so the script answers whatever Codex sends.
 */
import {
  declaredFunctionNames,
  functionResponsesIn,
  newThoughtSignature,
  thoughtSignaturesIn,
} from "./google-emulator-turns.ts";
import type { GenerateCallView, ModelTurn } from "./google-emulator-types.ts";

/** Codex's shell tool, as it declares it for a model it has no metadata for (any Gemini name). */
export const CODEX_SHELL_TOOL = "exec_command";

export interface ShellRoundTrip {
  /** The prompt to give Codex. */
  readonly prompt: string;
  /** What the shell prints for the command the model asks for. */
  readonly expectedOutput: string;
  /** The model's final answer once it has seen that output. */
  readonly finalText: string;
  /** The emulator's default turn while the test runs. */
  readonly turn: (call: GenerateCallView) => ModelTurn;
  /** The exec_command function responses the model received, as Gemini saw them. */
  readonly responses: unknown[];
  /** How many times the model asked for the call. */
  readonly calls: () => number;
  /** The signature on the model's function call. */
  readonly signature: string;
  /** The signatures the request carrying the function response sent back. */
  readonly signaturesBack: string[];
}

export function shellRoundTrip(): ShellRoundTrip {
  const marker = `marker-${crypto.randomUUID().replaceAll("-", "")}`;
  const expectedOutput = `${marker}-42`;
  const finalText = `The shell printed ${expectedOutput}.`;
  const prompt = `Run the shell command that prints ${marker} followed by six times seven.`;
  const responses: unknown[] = [];
  const signature = newThoughtSignature();
  const signaturesBack: string[] = [];
  let calls = 0;
  const turn = (call: GenerateCallView): ModelTurn => {
    const answers = functionResponsesIn(call.request).filter((r) => r.name === CODEX_SHELL_TOOL);
    if (answers.length > 0) {
      responses.push(...answers.map((a) => a.response));
      signaturesBack.push(...thoughtSignaturesIn(call.request));
      const output = JSON.stringify(answers.at(-1)?.response ?? "");
      return { parts: [{ text: output.includes(expectedOutput) ? finalText : `No marker in ${output}` }] };
    }
    const asked = JSON.stringify(call.request.contents ?? []).includes(marker);
    if (asked && declaredFunctionNames(call.request).includes(CODEX_SHELL_TOOL)) {
      calls += 1;
      return {
        parts: [
          { text: "The user wants the marker and a product from the shell.", thought: true },
          {
            functionCall: { name: CODEX_SHELL_TOOL, args: { cmd: `echo "${marker}-$((6*7))"` } },
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

export interface PatchRoundTrip {
  readonly prompt: string;
  /** The line the patch writes into a new file, which `cat` must print back. */
  readonly content: string;
  readonly finalText: string;
  readonly turn: (call: GenerateCallView) => ModelTurn;
  /** The apply_patch results the model received (Codex's report of the files it changed). */
  readonly patchResults: unknown[];
  /** The exec_command results the model received (the new file read back). */
  readonly readBack: unknown[];
}

/**
 * Two tool steps with Codex on a model it gives its freeform `apply_patch` tool (gpt-5.5): the
 * model adds a file with a patch (the tool's raw input, sent by grantpool as `{input}`), then
 * reads it back with `exec_command`, and answers once the file's line is in the output — so the
 * patch was applied, not only reported.
 */
export function patchRoundTrip(): PatchRoundTrip {
  const marker = `patch-${crypto.randomUUID().replaceAll("-", "")}`;
  const file = `${marker}.txt`;
  const content = `${marker}-content`;
  const finalText = `The file holds ${content}.`;
  const patchResults: unknown[] = [];
  const readBack: unknown[] = [];
  const signed = (name: string, args: Record<string, unknown>): ModelTurn => ({
    parts: [{ functionCall: { name, args }, thoughtSignature: newThoughtSignature() }],
  });
  const turn = (call: GenerateCallView): ModelTurn => {
    const answers = functionResponsesIn(call.request);
    const read = answers.filter((a) => a.name === CODEX_SHELL_TOOL);
    if (read.length > 0) {
      readBack.push(...read.map((a) => a.response));
      const output = JSON.stringify(read.at(-1)?.response ?? "");
      return { parts: [{ text: output.includes(content) ? finalText : `No content in ${output}` }] };
    }
    const patched = answers.filter((a) => a.name === "apply_patch");
    if (patched.length > 0) {
      patchResults.push(...patched.map((a) => a.response));
      return signed(CODEX_SHELL_TOOL, { cmd: `cat ${file}` });
    }
    const asked = JSON.stringify(call.request.contents ?? []).includes(marker);
    if (asked && declaredFunctionNames(call.request).includes("apply_patch")) {
      return signed("apply_patch", {
        input: `*** Begin Patch\n*** Add File: ${file}\n+${content}\n*** End Patch\n`,
      });
    }
    return { parts: [{ text: "Nothing to do here." }] };
  };
  return {
    prompt: `Create the file ${file} with one line, then show it.`,
    content,
    finalText,
    turn,
    patchResults,
    readBack,
  };
}
