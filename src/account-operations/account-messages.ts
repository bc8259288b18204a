/**
 * What an account operation did, in one sentence for people: the CLI prints it, the admin API
 * answers and logs it. Each surface names its own next step (a command or a route) through
 * `NextSteps`; the words around it are the same everywhere. Lower case, for log lines; `sentence`
 * capitalizes them for replies.
 */
import type { Account } from "../accounts/account.ts";
import type { StateChanged } from "./change-account-state.ts";
import type { Enrolled, EnrollOutcome } from "./enroll-account.ts";

/** How a surface tells its user to act on an account. */
export interface NextSteps {
  /** Returning a proxy-disabled account, e.g. "`grantpool accounts enable ID` returns it to the proxy". */
  readonly enable: (account: Account) => string;
  /** Recovering an account whose credentials are dead, e.g. "add a new token to recover it". */
  readonly recover: string;
}

/** The past-tense verb for each enrolment outcome: "added", "updated", "recovered". */
export const ENROLL_VERB: Record<EnrollOutcome, string> = {
  created: "added",
  updated: "updated",
  recovered: "recovered",
};

function named(account: Account): string {
  return `${account.email} (id ${account.id})`;
}

/** "added a@example.com (id …)", and how to return it when it is still proxy-disabled. */
export function describeEnrolled({ outcome, account }: Enrolled, steps: NextSteps): string {
  const still = account.proxyDisabled
    ? `; still proxy-disabled (${account.proxyDisabledReason ?? "proxy_disabled"}): ${steps.enable(account)}`
    : "";
  return `${ENROLL_VERB[outcome]} ${named(account)}${still}`;
}

/** "proxy-disabled a@example.com (id …) (no change)", and a word when the credentials are dead. */
export function describeStateChange({ action, account, changed }: StateChanged, steps: NextSteps): string {
  const verb = action === "disable" ? "proxy-disabled" : "enabled";
  const dead = account.disabled
    ? `; its credentials are still dead (${account.disabledReason ?? "disabled"}): ${steps.recover}`
    : "";
  return `${verb} ${named(account)}${changed ? "" : " (no change)"}${dead}`;
}

export function describeRemoved(account: Account): string {
  return `removed ${named(account)}`;
}

/** The message as a sentence, for replies and terminal lines ("Enabled …"); logs keep it lower case. */
export function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
