/**
 * Lower-cased email → the id of the first account (in pool order) with it, so that an account can
 * be named by its email (`fixed`, the CLI). Kept as accounts join, leave or change their email.
 */
import type { Account } from "../accounts/account.ts";

/** The email as the index keys it: lower case, the account's own string when it already is. */
function emailKey(email: string): string {
  const lower = email.toLowerCase();
  return lower === email ? email : lower;
}

export class EmailIndex {
  readonly #idByEmail = new Map<string, string>();
  /** The pool's entries in pool order, walked to find an email's next owner. */
  readonly #members: () => Iterable<{ readonly account: Account }>;

  constructor(members: () => Iterable<{ readonly account: Account }>) {
    this.#members = members;
  }

  /** The id of the first account with `email` (any case). */
  idOf(email: string): string | undefined {
    return this.#idByEmail.get(email.toLowerCase());
  }

  /** A new account: it owns its email unless an earlier one does. */
  added(account: Account): void {
    const email = emailKey(account.email);
    if (!this.#idByEmail.has(email)) this.#idByEmail.set(email, account.id);
  }

  /** An account left the pool: its email passes to the next account with it, if any. */
  removed(account: Account): void {
    if (this.idOf(account.email) === account.id) this.#reindex(account.email);
  }

  /** An account's email may have changed. */
  changed(before: Account, after: Account): void {
    if (before.email.toLowerCase() === after.email.toLowerCase()) return;
    this.#reindex(before.email);
    this.#reindex(after.email);
  }

  /** Re-finds the first account (in pool order) with `email`; O(n), only when an email moves. */
  #reindex(email: string): void {
    const wanted = emailKey(email);
    this.#idByEmail.delete(wanted);
    for (const { account } of this.#members()) {
      if (account.email.toLowerCase() === wanted) {
        this.#idByEmail.set(wanted, account.id);
        return;
      }
    }
  }
}
