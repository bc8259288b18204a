/**
 * The emulated model's side of Codex's tool calls: shellRoundTrip is one shell round trip
 * (agent-turns.ts) on `exec_command`, the shell tool Codex declares; patchRoundTrip writes a file
 * with Codex's `apply_patch` tool and reads it back. Any other call gets a plain text, so the
 * script answers whatever Codex sends.
 */
import { type ShellCommandRoundTrip, shellCommandRoundTrip } from "./agent-turns.ts";
import { declaredFunctionNames, functionResponsesIn, newThoughtSignature } from "./google-emulator-turns.ts";
import type { GenerateCallView, ModelTurn } from "./google-emulator-types.ts";

/** Codex's shell tool, as it declares it for a model it has no metadata for (any Gemini name). */
export const CODEX_SHELL_TOOL = "exec_command";

export type ShellRoundTrip = ShellCommandRoundTrip;

export function shellRoundTrip(): ShellRoundTrip {
  return shellCommandRoundTrip({ tool: CODEX_SHELL_TOOL, args: (cmd) => ({ cmd }) });
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
