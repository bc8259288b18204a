/** Settings of single commands: output format, the token to add, the manifest name, the login browser. */
import { boolean, dnsLabel, optional, path, text } from "./setting-kinds.ts";
import { setting } from "./setting-row.ts";

export const COMMAND_SETTINGS = {
  json: setting("json", boolean(), {
    default: false,
    meaning: "print the account list (or the quota fetched) as JSON",
    flagFor: ["accounts list", "accounts quota"],
  }),
  refreshToken: setting("refresh-token", optional(text()), {
    meaning: "refresh token to add (else --refresh-token-file, else one per line on stdin)",
    flagFor: ["accounts add"],
    secret: true,
  }),
  refreshTokenFile: setting("refresh-token-file", optional(path()), {
    meaning: "file holding refresh tokens, one per line",
    flagFor: ["accounts add", "accounts manifest"],
  }),
  name: setting("name", optional(dnsLabel()), {
    meaning: "name of the Account (and its Secret) that accounts manifest prints",
    flagFor: ["accounts manifest"],
  }),
  noBrowser: setting("no-browser", boolean(), {
    default: false,
    meaning: "only print the sign-in URL instead of opening a browser",
    flagFor: ["accounts login"],
  }),
} as const;
