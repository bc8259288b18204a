/**
 * Google's JavaScript SDK (`@google/genai`) as the client of grantpool: the app fixture served on
 * 127.0.0.1:0 (the SDK needs a real HTTP URL), and SDK clients pointed at it with its defaults
 * (API version v1 since 3.x, key in `x-goog-api-key`, `x-goog-api-client` naming it) and retries off, so each error reaches the test
 * as the SDK reports it.
 */
import { GoogleGenAI } from "@google/genai";
import type { AppFixtureOptions } from "./app-fixture.ts";
import { type ServedApp, startServedApp } from "./sdk-fixture.ts";
import { rememberSecret } from "./secret-scan.ts";

/** The key the SDK sends when a test configures none (it refuses to start without one). */
const UNCHECKED_KEY = "google-unchecked-key";

export interface GoogleSdkFixture extends ServedApp {
  /** An SDK client of the listening app; `apiVersion` only when a test sets one. */
  client(options?: { apiKey?: string; apiVersion?: string }): GoogleGenAI;
}

export async function startGoogleSdkFixture(options: AppFixtureOptions): Promise<GoogleSdkFixture> {
  const served = await startServedApp(options);
  const { server } = served;
  return {
    ...served,
    client: ({ apiKey = UNCHECKED_KEY, apiVersion } = {}) => {
      rememberSecret(apiKey);
      return new GoogleGenAI({
        apiKey,
        httpOptions: {
          baseUrl: server.url,
          retryOptions: { attempts: 1 },
          ...(apiVersion === undefined ? {} : { apiVersion }),
        },
      });
    },
  };
}
