/**
 * Where a setting's value came from, and how values are shown in messages. Secret values are
 * described by their size only, never echoed.
 */

export type SettingSource =
  | { readonly kind: "flag"; readonly flag: string }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "file"; readonly path: string; readonly line: number }
  | { readonly kind: "default" };

/** `flag --port`, `variable GRANTPOOL_PORT`, `file /etc/grantpool.yaml:7` or `default`. */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case "flag":
      return `flag ${source.flag}`;
    case "variable":
      return `variable ${source.name}`;
    case "file":
      return `file ${source.path}:${source.line}`;
    case "default":
      return "default";
  }
}

const MAX_SHOWN = 60;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A raw value as a message shows it after "got". */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) {
    if (secret) return `a list of ${plural(value.length, "item")}`;
    return describeShown(JSON.stringify(value));
  }
  if (typeof value === "object" && value !== null) return "a mapping";
  if (typeof value === "string" && secret) return `a value of ${plural(value.length, "character")}`;
  if (secret) return "a value";
  return describeShown(JSON.stringify(value));
}

function describeShown(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}
