/**
 * OpenAI's `tool_choice` (both APIs, read into FunctionChoice by their envelopes) → Gemini
 * `toolConfig.functionCallingConfig`: `auto` → AUTO, `none` → NONE, `required` → ANY, one named
 * function → ANY limited to it, `allowed_tools` → AUTO or ANY (its `mode`) limited to the named
 * functions that are declared. Without declared functions no config is sent (Gemini refuses one).
 * Gemini has no switch for `parallel_tool_calls: false`; it is accepted and has no effect.
 */
import { err, ok, type Result } from "../../result.ts";
import type { ToolNameMap } from "../translation/tool-names.ts";

export type FunctionChoice =
  | { readonly kind: "auto" | "none" | "required" }
  | { readonly kind: "function"; readonly name: string; readonly path: string }
  | { readonly kind: "allowed"; readonly required: boolean; readonly names: readonly string[] };

const MODES = { auto: "AUTO", none: "NONE", required: "ANY" } as const;

export function functionCallingConfig(
  choice: FunctionChoice | undefined,
  declared: ReadonlySet<string>,
  names: ToolNameMap,
): Result<Record<string, unknown> | undefined, string> {
  if (choice === undefined || declared.size === 0) return ok(undefined);
  switch (choice.kind) {
    case "function":
      if (!declared.has(choice.name)) return err(`${choice.path}: names no function declared in tools`);
      return ok({
        functionCallingConfig: { mode: "ANY", allowedFunctionNames: [names.toGemini(choice.name)] },
      });
    case "allowed": {
      const allowed = choice.names.filter((name) => declared.has(name)).map((name) => names.toGemini(name));
      const mode = choice.required ? "ANY" : "AUTO";
      if (allowed.length === 0) return ok({ functionCallingConfig: { mode: "NONE" } });
      return ok({ functionCallingConfig: { mode, allowedFunctionNames: allowed } });
    }
    default:
      return ok({ functionCallingConfig: { mode: MODES[choice.kind] } });
  }
}
