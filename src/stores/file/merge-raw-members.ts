/**
 * Rewrites a JSON object whose members grantpool partly owns: the account files and the
 * reference's index entries. Members it does not own are copied as raw text, owned members keep
 * their raw text while their value is unchanged, and the previous text's member order is kept.
 */
import { type JsonValue, type RawMember, rawFor, renderRawObject } from "./raw-json-object.ts";

/** The members we own, in the order a new object gets them; undefined leaves a member out. */
export type Fields = ReadonlyArray<readonly [key: string, value: JsonValue | undefined]>;

/** The raw text for an owned member, given its previous raw text; undefined leaves it out. */
export type RenderKnown = (key: string, previousRaw: string | undefined) => string | undefined;

export type OutputMember = Pick<RawMember, "rawKey" | "rawValue">;

/** The raw text of the last occurrence of `key` (JSON.parse gives a duplicated key its last value). */
export function lastRaw(members: readonly RawMember[], key: string): string | undefined {
  return members.findLast((member) => member.key === key)?.rawValue;
}

/**
 * Merges the previous members with ours: previous order first (unknown members verbatim, known
 * ones re-rendered or dropped), then the known members the previous text did not have.
 */
export function mergeMembers(
  previous: readonly RawMember[],
  known: readonly string[],
  render: RenderKnown,
): OutputMember[] {
  const knownKeys = new Set(known);
  const done = new Set<string>();
  const out: OutputMember[] = [];
  const emit = (key: string, previousRaw: string | undefined): void => {
    done.add(key);
    const rawValue = render(key, previousRaw);
    if (rawValue !== undefined) out.push({ rawKey: JSON.stringify(key), rawValue });
  };
  for (const member of previous) {
    if (!knownKeys.has(member.key)) out.push(member);
    // A duplicated key means what its last occurrence says (JSON.parse); write it once, here.
    else if (!done.has(member.key)) emit(member.key, lastRaw(previous, member.key));
  }
  for (const key of known) if (!done.has(key)) emit(key, undefined);
  return out;
}

/**
 * The object of `fields` over `previous`, pretty-printed at `depth`; `trailing` members (raw)
 * go after everything else.
 */
export function renderFields(
  fields: Fields,
  previous: readonly RawMember[],
  depth: number,
  trailing: readonly OutputMember[] = [],
): string {
  const values = new Map(fields);
  const render: RenderKnown = (key, previousRaw) => {
    const value = values.get(key);
    return value === undefined ? undefined : rawFor(value, previousRaw, depth + 1);
  };
  const members = mergeMembers(
    previous,
    fields.map(([key]) => key),
    render,
  );
  return renderRawObject([...members, ...trailing], depth);
}
