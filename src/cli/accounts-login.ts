/**
 * `grantpool accounts login`: the OAuth authorization-code flow with PKCE over a loopback redirect.
 * The callback must carry the `state` we generated (the reference never checked it); anything else
 * is answered 400 and ignored, and the flow keeps waiting for the real callback.
 */

import { describeEnrolled, sentence } from "../account-operations/account-messages.ts";
import { type EnrollDeps, enrollGrant } from "../account-operations/enroll-account.ts";
import { describeRejection } from "../accounts/token-failure.ts";
import type { GoogleOAuthClient } from "../oauth/google-oauth-client.ts";
import { createPkcePair, createState, sameSecret } from "../oauth/pkce.ts";
import { type RunningServer, serve } from "../platform/runtime.ts";
import type { Clock } from "../time/clock.ts";
import { CLI_NEXT_STEPS, type CliContext, EXIT_FAILED, EXIT_OK } from "./cli-context.ts";

export interface LoginOptions {
  /** How long to wait for the browser to come back. */
  readonly timeoutMs: number;
  readonly loginHint?: string;
  /** Opens the consent page; absent with --no-browser. */
  readonly openBrowser?: (url: string) => void;
}

type Callback = { kind: "code"; code: string } | { kind: "denied"; reason: string };

const CALLBACK_PATH = "/oauth2callback";

function page(status: number, text: string): Response {
  return new Response(`<!doctype html><title>grantpool</title><p>${text}</p>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

function waitForCallback(
  state: string,
  timeoutMs: number,
  clock: Clock,
): { server: RunningServer; callback: Promise<Callback> } {
  let settle: (callback: Callback) => void = () => {};
  const callback = new Promise<Callback>((resolve) => {
    settle = resolve;
  });
  const cancelTimer = clock.setTimer(
    () => settle({ kind: "denied", reason: `no answer from the browser within ${timeoutMs / 1000}s` }),
    timeoutMs,
  );
  const server = serve(
    (request) => {
      const url = new URL(request.url);
      if (url.pathname !== CALLBACK_PATH) return page(404, "Not found.");
      if (!sameSecret(state, url.searchParams.get("state") ?? "")) {
        return page(400, "This sign-in answer does not belong to the running `grantpool accounts login`.");
      }
      cancelTimer();
      const code = url.searchParams.get("code");
      if (code === null) {
        settle({ kind: "denied", reason: url.searchParams.get("error") ?? "no authorization code" });
        return page(400, "Sign-in was not completed. You can close this tab.");
      }
      settle({ kind: "code", code });
      return page(200, "Signed in. You can close this tab and return to the terminal.");
    },
    { port: 0, hostname: "127.0.0.1" },
  );
  return { server, callback };
}

export async function accountsLogin(
  ctx: CliContext,
  oauth: GoogleOAuthClient,
  deps: EnrollDeps,
  options: LoginOptions,
): Promise<number> {
  const state = createState();
  const pkce = createPkcePair();
  const { server, callback } = waitForCallback(state, options.timeoutMs, ctx.clock);
  try {
    const redirectUri = `${server.url}${CALLBACK_PATH}`;
    const request = { redirectUri, state, codeChallenge: pkce.challenge };
    const url = oauth.authorizationUrl(
      options.loginHint === undefined ? request : { ...request, loginHint: options.loginHint },
    );
    ctx.out(`Open this URL in a browser to sign in:\n${url}`);
    options.openBrowser?.(url);
    const answer = await callback;
    if (answer.kind === "denied") {
      ctx.err(`Sign-in failed: ${answer.reason}`);
      return EXIT_FAILED;
    }
    const grant = await oauth.exchangeCode(answer.code, pkce.verifier, redirectUri);
    if (!grant.ok) {
      ctx.err(describeRejection(grant.error));
      return EXIT_FAILED;
    }
    if (grant.value.refreshToken === undefined) {
      ctx.err(
        "Google returned no refresh token; remove grantpool's access in your Google account settings and sign in again",
      );
      return EXIT_FAILED;
    }
    const enrolled = await enrollGrant(deps, { ...grant.value, refreshToken: grant.value.refreshToken });
    if (!enrolled.ok) {
      ctx.err(enrolled.error.message);
      return EXIT_FAILED;
    }
    ctx.out(sentence(describeEnrolled(enrolled.value, CLI_NEXT_STEPS)));
    return EXIT_OK;
  } finally {
    await server.stop();
  }
}
