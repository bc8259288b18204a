/**
 * `tool_choice` → Gemini `toolConfig.functionCallingConfig`: auto → AUTO, any → ANY, none →
 * NONE, `{type: "tool", name}` → ANY limited to that function. Gemini has no switch for
 * `disable_parallel_tool_use`; it is accepted and has no effect. Without declared tools no
 * config is sent (Gemini refuses one).
 */
import { err, ok, type Result } from "../../result.ts";
import type { ToolNameMap } from "../translation/tool-names.ts";
import type { EnvelopeToolChoice } from "./messages-envelope.ts";

const MODES = { auto: "AUTO", any: "ANY", none: "NONE", tool: "ANY" } as const;

export function translateToolChoice(
  choice: EnvelopeToolChoice | null | undefined,
  declared: ReadonlySet<string>,
  names: ToolNameMap,
): Result<Record<string, unknown> | undefined, string> {
  if (choice === undefined || choice === null || declared.size === 0) return ok(undefined);
  const functionCallingConfig: Record<string, unknown> = { mode: MODES[choice.type] };
  if (choice.type === "tool") {
    if (!declared.has(choice.name)) return err("tool_choice.name: names no function tool declared in tools");
    functionCallingConfig.allowedFunctionNames = [names.toGemini(choice.name)];
  }
  return ok({ functionCallingConfig });
}
