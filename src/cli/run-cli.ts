/** Dispatches a parsed command line to its command. Returns the exit code. */

import { homedir } from "node:os";
import { helpTopic } from "../config/commands.ts";
import type { LoadedConfig } from "../config/load-config.ts";
import { loadConfig } from "../config/load-config.ts";
import { quotaPolicyOf } from "../config/quota-policy.ts";
import { readConfigText } from "../config/read-config-text.ts";
import { usageText } from "../config/usage-text.ts";
import { createThrottle } from "../log/throttle.ts";
import { openBrowser } from "../platform/open-browser.ts";
import { runtimeVersion } from "../platform/runtime.ts";
import { createAdminRoutes } from "../proxy/admin/admin-routes.ts";
import { createModelMap } from "../proxy/model-map.ts";
import { runProxy } from "../proxy/run-proxy.ts";
import { createUpstreamProfile } from "../proxy/upstream/create-upstream-profile.ts";
import { createAccountTelemetry } from "../telemetry/account-telemetry.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { VERSION } from "../version.ts";
import { accountsAdd } from "./accounts-add.ts";
import { accountsImport } from "./accounts-import.ts";
import { accountsList } from "./accounts-list.ts";
import { accountsLogin } from "./accounts-login.ts";
import { accountsManifest } from "./accounts-manifest.ts";
import { accountsQuota } from "./accounts-quota.ts";
import { accountsSetState } from "./accounts-state.ts";
import { type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type ProcessDeps } from "./cli-context.ts";
import { createOAuth, createPool, createProcessLogger, createQuotaRefresher, createStore } from "./wiring.ts";

export interface ProcessIO {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
}

const LOGIN_TIMEOUT_MS = 5 * 60 * 1000;
const TELEMETRY_COMPLAINT_INTERVAL_MS = 60_000;

/** Loaded only for the long-running modes: the SDK stays out of the short commands. */
async function startProcessTelemetry(
  ctx: CliContext,
  mode: "proxy" | "operator",
  prometheus: boolean,
): Promise<Telemetry> {
  const { startTelemetry } = await import("../telemetry/start-telemetry.ts");
  return startTelemetry({
    mode,
    env: ctx.env,
    prometheus,
    log: ctx.log,
    throttle: createThrottle(ctx.clock, TELEMETRY_COMPLAINT_INTERVAL_MS),
  });
}

async function runConfigured(ctx: CliContext, config: LoadedConfig): Promise<number> {
  const { command, positionals, settings } = config;
  if (command === "operator") {
    // Loaded only here: the other commands start without the Kubernetes client.
    const { runOperator } = await import("../operator/run-operator.ts");
    const oauth = createOAuth(settings, ctx.fetch, ctx.clock);
    const telemetry = await startProcessTelemetry(ctx, "operator", settings.metrics);
    return runOperator({ settings, oauth, clock: ctx.clock, log: ctx.log, env: ctx.env, telemetry });
  }
  const store = await createStore(settings, ctx.log, ctx.clock);
  try {
    const oauth = createOAuth(settings, ctx.fetch, ctx.clock);
    const enroll = { oauth, store, clock: ctx.clock, newId: ctx.newId };
    const target = positionals[0] ?? "";
    switch (command) {
      case "proxy": {
        const telemetry = await startProcessTelemetry(ctx, "proxy", settings.metrics);
        const pool = createPool(settings, {
          store,
          oauth,
          clock: ctx.clock,
          log: ctx.log,
          observer: createAccountTelemetry(telemetry),
          tracer: telemetry.tracer,
        });
        const modelMap = createModelMap(settings.modelMap);
        const profile = createUpstreamProfile(settings, ctx.fetch, store);
        const quota = createQuotaRefresher(
          settings,
          { pool, store, clock: ctx.clock, log: ctx.log },
          profile,
        );
        const admin = createAdminRoutes({
          pool,
          store,
          enroll,
          adminKey: settings.adminKey,
          clock: ctx.clock,
          log: ctx.log,
          modelMap,
          quota,
        });
        return await runProxy({
          settings,
          modelMap,
          profile,
          quota,
          store,
          pool,
          log: ctx.log,
          fetch: ctx.fetch,
          clock: ctx.clock,
          err: ctx.err,
          extraRoutes: [admin],
          telemetry,
        });
      }
      case "accounts list":
        return await accountsList(ctx, store, { json: settings.json, policy: quotaPolicyOf(settings) });
      case "accounts quota":
        return await accountsQuota(ctx, { settings, store, oauth }, positionals[0]);
      case "accounts add":
        return await accountsAdd(ctx, enroll, {
          ...(settings.refreshToken === undefined ? {} : { refreshToken: settings.refreshToken }),
          ...(settings.refreshTokenFile === undefined ? {} : { refreshTokenFile: settings.refreshTokenFile }),
        });
      case "accounts login":
        return await accountsLogin(ctx, oauth, enroll, {
          timeoutMs: LOGIN_TIMEOUT_MS,
          ...(settings.noBrowser ? {} : { openBrowser }),
        });
      case "accounts enable":
      case "accounts disable":
      case "accounts remove":
        return await accountsSetState(ctx, store, command.slice("accounts ".length) as "enable", target);
      case "accounts import":
        return await accountsImport(ctx, store, target);
      case "accounts manifest":
        return await accountsManifest(ctx, {
          name: settings.name ?? "",
          refreshTokenFile: settings.refreshTokenFile ?? "",
          ...(settings.namespace === undefined ? {} : { namespace: settings.namespace }),
        });
      default:
        ctx.err(`grantpool ${command}: not available in this version yet`);
        return EXIT_USAGE;
    }
  } finally {
    await store.close();
  }
}

export async function runCli(io: ProcessIO, deps: ProcessDeps): Promise<number> {
  const loaded = loadConfig({
    argv: io.argv,
    env: io.env,
    readFile: readConfigText,
    homeDir: homedir(),
    stdoutIsTTY: io.stdoutIsTTY,
  });
  if (!loaded.ok) {
    deps.err(loaded.error.message);
    return EXIT_USAGE;
  }
  const { command, positionals, settings } = loaded.value;
  if (command === "help") {
    deps.out(usageText(helpTopic(positionals) ?? ""));
    return EXIT_OK;
  }
  if (command === "version") {
    deps.out(`grantpool ${VERSION} (${runtimeVersion()})`);
    return EXIT_OK;
  }
  const ctx: CliContext = { ...deps, log: createProcessLogger(settings, deps.clock, deps.writeLog) };
  try {
    return await runConfigured(ctx, loaded.value);
  } catch (cause) {
    ctx.err(`grantpool ${command}: ${cause instanceof Error ? cause.message : String(cause)}`);
    return EXIT_FAILED;
  }
}
