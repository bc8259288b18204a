/** The version: injected by `bun build --define` into the binary, else read from package.json. */
import packageJson from "../package.json" with { type: "json" };

declare const GRANTPOOL_BUILD_VERSION: string | undefined;

export const VERSION: string =
  typeof GRANTPOOL_BUILD_VERSION === "string" ? GRANTPOOL_BUILD_VERSION : packageJson.version;
