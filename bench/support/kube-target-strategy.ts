/**
 * What a bench replica asks its pool: "do you offer account X?" and "serve a request with X".
 * The strategy answers one question at a time, asked right before pool.acquire(): it notes whether
 * X is among the candidates (the pool's own availability index, so "offered" means exactly what a
 * request would be offered) and picks X only when asked to. Nothing else is ever picked.
 */
import type { TokenFailure } from "../../src/accounts/token-failure.ts";
import type { GoogleOAuthClient } from "../../src/oauth/google-oauth-client.ts";
import type { AccountPool } from "../../src/pool/account-pool.ts";
import type { AcquireFailure, Lease } from "../../src/pool/lease.ts";
import type { SelectionStrategy } from "../../src/pool/strategies/selection-strategy.ts";
import { err, type Result } from "../../src/result.ts";

/** Google refusing every refresh token, as it does a revoked one. */
const REVOKED: TokenFailure = {
  kind: "invalid_grant",
  code: "invalid_grant",
  description: "Token has been expired or revoked.",
  status: 400,
};

export const INVALID_GRANT_OAUTH: GoogleOAuthClient = {
  refresh: () => Promise.resolve(err(REVOKED)),
  userinfo: () => Promise.resolve(err(REVOKED)),
  exchangeCode: () => Promise.resolve(err(REVOKED)),
  authorizationUrl: () => "",
};

interface Question {
  readonly id: string;
  readonly pick: boolean;
  offered?: boolean;
}

export interface TargetStrategy {
  readonly strategy: SelectionStrategy;
  /** Whether the pool would offer `id` to a request now. */
  offers(pool: AccountPool, id: string): Promise<boolean>;
  /** One request served with `id` (refreshing its token first, as every account needs here). */
  pick(pool: AccountPool, id: string): Promise<Result<Lease, AcquireFailure>>;
}

export function createTargetStrategy(): TargetStrategy {
  let question: Question | undefined;
  const ask = (pool: AccountPool, asked: Question): Promise<Result<Lease, AcquireFailure>> => {
    question = asked;
    const acquired = pool.acquire();
    question = undefined;
    // The pool chooses before its first await; if that ever changes, this bench must change too.
    if (asked.offered === undefined) throw new Error("bench: the pool did not choose synchronously");
    return acquired;
  };
  return {
    strategy: {
      name: "fixed",
      choose(candidates) {
        if (question === undefined) return undefined;
        question.offered = candidates.has(question.id);
        return question.pick && question.offered ? question.id : undefined;
      },
      release() {},
    },
    async offers(pool, id) {
      const asked: Question = { id, pick: false };
      await ask(pool, asked);
      return asked.offered === true;
    },
    pick: (pool, id) => ask(pool, { id, pick: true }),
  };
}
