/**
 * A valibot issue of a request envelope as the one line a client gets in its 400: the JSON path
 * and what was expected (`messages[2].content[0].type: must be a string`), never the value it
 * found (it may be a secret).
 */
import type * as v from "valibot";

type PathItem = NonNullable<v.BaseIssue<unknown>["path"]>[number];

/** `messages[2].content[0].type` */
function pathOf(items: readonly PathItem[]): string {
  let path = "";
  for (const item of items) {
    const key = item.key;
    if (typeof key === "number") path += `[${key}]`;
    else path += path === "" ? String(key) : `.${String(key)}`;
  }
  return path;
}

interface Located {
  readonly issue: v.BaseIssue<unknown>;
  readonly path: readonly PathItem[];
}

/**
 * The deepest issue, with its whole path: a union's own message is vaguer than the member issue
 * that caused it, and valibot keeps a member's path relative to the union.
 */
function deepest(issue: v.BaseIssue<unknown>, outer: readonly PathItem[] = []): Located {
  const path = [...outer, ...(issue.path ?? [])];
  let best: Located = { issue, path };
  for (const inner of issue.issues ?? []) {
    const candidate = deepest(inner, path);
    if (candidate.path.length > best.path.length) best = candidate;
  }
  return best;
}

/** The first issue of a failed parse, as `path: problem`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const { issue, path: items } = deepest(issues[0] as v.BaseIssue<unknown>);
  const path = pathOf(items);
  const missing = issue.received === "undefined";
  return `${path === "" ? "body" : path}: ${missing ? "is required" : issue.message}`;
}
