/** What the admin API needs from the process; injected by the app factory, never module state. */
import type { EnrollDeps } from "../../account-operations/enroll-account.ts";
import type { Logger } from "../../log/logger.ts";
import type { AccountPool } from "../../pool/account-pool.ts";
import type { QuotaRefresher } from "../../pool/quota-refresher.ts";
import type { AccountStore } from "../../stores/account-store.ts";
import type { Clock } from "../../time/clock.ts";
import type { ModelMap } from "../model-map.ts";

export interface AdminDeps {
  readonly pool: AccountPool;
  /** The store the pool follows; admin writes go here first, then straight into the pool. */
  readonly store: AccountStore;
  /** How `POST /admin/accounts` verifies a token and upserts its account (as `accounts add`). */
  readonly enroll: EnrollDeps;
  /** GRANTPOOL_ADMIN_KEY. Unset (or empty): every /admin route is refused. */
  readonly adminKey?: string | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  /** Shown by `GET /admin/pool`; none when the proxy maps no names. */
  readonly modelMap?: ModelMap;
  /** Fetches an account's quota on demand; absent where the upstream tells none (Gemini API). */
  readonly quota?: Pick<QuotaRefresher, "refresh"> | undefined;
}
