/**
 * The Responses API's `tools` → the functions Gemini is told about, and the table that turns
 * Gemini's calls back into the client's tools. Decided per tool type:
 *
 * - `function`: declared as it is.
 * - `custom` (freeform tools such as Codex's `apply_patch`): declared as a function taking
 *   `{input: string}`, with the tool's grammar (`format: {type: "grammar", syntax, definition}`)
 *   appended to its description, so the model writes the same text it would write for OpenAI;
 *   Gemini's call comes back as a `custom_tool_call` with that `input`.
 * - `namespace` groups: each function or custom tool inside is declared as `<namespace>.<name>`
 *   (a name only a namespace can make: OpenAI's names have no dots), and comes back as a call of
 *   `name` with `namespace` set, as OpenAI sends it.
 * - every other type (`local_shell`, `shell`, `web_search`, `file_search`, `computer_use`,
 *   `image_generation`, `code_interpreter`, `mcp`, `apply_patch`, `tool_search`, …) is a tool
 *   OpenAI runs or grantpool cannot run: left out, and the model does not see it.
 */
import { err, ok, type Result } from "../../result.ts";
import { isRecord } from "../translation/is-record.ts";
import type { FunctionTool } from "./function-declarations.ts";
import type { ResponsesTool } from "./responses-envelope.ts";

export interface ClientTool {
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly kind: "function" | "custom";
}

export interface ResponsesTools {
  /** What to declare, under qualified names. */
  readonly functions: readonly FunctionTool[];
  /** Qualified name → the client's tool. */
  readonly byName: ReadonlyMap<string, ClientTool>;
}

/** The one name a (namespaced) tool has towards Gemini. */
export function qualifiedName(name: string, namespace?: string | null): string {
  return namespace === undefined || namespace === null || namespace === "" ? name : `${namespace}.${name}`;
}

export const CUSTOM_INPUT_SCHEMA = {
  type: "object",
  properties: { input: { type: "string", description: "The tool's whole input, as free text." } },
  required: ["input"],
};

function customDescription(tool: Record<string, unknown>): string {
  const base = typeof tool.description === "string" ? tool.description : "";
  const format = tool.format;
  if (!isRecord(format) || format.type !== "grammar" || typeof format.definition !== "string") return base;
  const syntax = typeof format.syntax === "string" ? format.syntax : "";
  return `${base}\n\nThe input must follow this ${syntax} grammar:\n${format.definition}`.trim();
}

interface Collect {
  readonly functions: FunctionTool[];
  readonly byName: Map<string, ClientTool>;
}

function addTool(tool: Record<string, unknown>, path: string, namespace: string | undefined, into: Collect) {
  if (tool.type !== "function" && tool.type !== "custom") return undefined;
  if (typeof tool.name !== "string" || tool.name === "") return `${path}.name: must be a non-empty string`;
  const name = qualifiedName(tool.name, namespace);
  if (into.byName.has(name)) return undefined;
  into.byName.set(name, { name: tool.name, namespace, kind: tool.type });
  const description = typeof tool.description === "string" ? tool.description : undefined;
  into.functions.push(
    tool.type === "function"
      ? { name, description, parameters: tool.parameters }
      : { name, description: customDescription(tool), parameters: CUSTOM_INPUT_SCHEMA },
  );
  return undefined;
}

export function readResponsesTools(
  tools: readonly ResponsesTool[] | null | undefined,
): Result<ResponsesTools, string> {
  const into: Collect = { functions: [], byName: new Map() };
  const list = tools ?? [];
  for (let i = 0; i < list.length; i++) {
    const tool = list[i] as ResponsesTool;
    const path = `tools[${i}]`;
    if (tool.type !== "namespace") {
      const problem = addTool(tool, path, undefined, into);
      if (problem !== undefined) return err(problem);
      continue;
    }
    if (typeof tool.name !== "string" || tool.name === "")
      return err(`${path}.name: must be a non-empty string`);
    if (!Array.isArray(tool.tools)) return err(`${path}.tools: must be an array of tools`);
    for (let j = 0; j < tool.tools.length; j++) {
      const inner: unknown = tool.tools[j];
      if (!isRecord(inner)) return err(`${path}.tools[${j}]: must be a tool object`);
      const problem = addTool(inner, `${path}.tools[${j}]`, tool.name, into);
      if (problem !== undefined) return err(problem);
    }
  }
  return ok(into);
}
