/** Limits of one request and of the process: attempts, body size and time, shutdown, refresh timeout, logs. */
import { CONFIGURED_COMMANDS } from "./commands.ts";
import { integer, nonNegativeSeconds, oneOf, positiveSeconds } from "./setting-kinds.ts";
import { PROXY, setting, TOKEN_USERS } from "./setting-row.ts";

export const SERVING_SETTINGS = {
  maxAttempts: setting("max-attempts", integer({ min: 1 }), {
    default: 3,
    meaning: "accounts tried per request",
    flagFor: PROXY,
  }),
  maxBodyBytes: setting("max-body-bytes", integer({ min: 1 }), {
    default: 104857600,
    meaning: "request body limit; larger bodies get 413",
    flagFor: PROXY,
  }),
  bodyTimeoutSeconds: setting("body-timeout", positiveSeconds(), {
    default: 60,
    meaning: "seconds a client may take to send a whole request body; slower ones get 408",
    flagFor: PROXY,
  }),
  shutdownDelaySeconds: setting("shutdown-delay", nonNegativeSeconds(), {
    default: 0,
    meaning:
      "seconds the proxy still serves after SIGTERM (unready, closing each connection) before it stops listening",
    flagFor: PROXY,
  }),
  refreshTimeoutSeconds: setting("refresh-timeout", positiveSeconds(), {
    default: 10,
    meaning: "seconds a token refresh may take",
    flagFor: TOKEN_USERS,
  }),
  logLevel: setting("log-level", oneOf(["debug", "info", "warn", "error"]), {
    default: "info",
    meaning: "lowest level that is logged",
    flagFor: CONFIGURED_COMMANDS,
  }),
  logFormat: setting("log-format", oneOf(["json", "text"]), {
    default: ({ stdoutIsTTY }) => (stdoutIsTTY ? "text" : "json"),
    defaultText: "json when not a TTY, else text",
    meaning: "log lines as JSON objects or as text",
    flagFor: CONFIGURED_COMMANDS,
  }),
} as const;
