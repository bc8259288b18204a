/**
 * Which Accounts read which Secret, so that a Secret event reaches exactly its Accounts. Each
 * account's Secret is remembered: moving or dropping one account touches only its old and new
 * Secret (scanning every Secret made the first sync of n Accounts O(n²): 3 s of CPU at 10,000).
 */
export interface AccountsBySecret {
  /** `id` now reads the Secret `key` (namespace/name), or none. */
  set(id: string, key: string | undefined): void;
  /** The accounts reading the Secret `key`. */
  get(key: string): ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

export function createAccountsBySecret(): AccountsBySecret {
  const accountsOf = new Map<string, Set<string>>();
  const secretOf = new Map<string, string>();
  return {
    set(id, key) {
      const before = secretOf.get(id);
      if (before === key) return;
      const ids = before === undefined ? undefined : accountsOf.get(before);
      if (before !== undefined && ids !== undefined) {
        ids.delete(id);
        if (ids.size === 0) accountsOf.delete(before);
      }
      if (key === undefined) {
        secretOf.delete(id);
        return;
      }
      secretOf.set(id, key);
      accountsOf.set(key, (accountsOf.get(key) ?? new Set()).add(id));
    },
    get: (key) => accountsOf.get(key) ?? NONE,
  };
}
