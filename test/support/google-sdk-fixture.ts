/**
 * Google's JavaScript SDK (`@google/genai`) as the client of grantpool: the app fixture served on
 * 127.0.0.1:0 (the SDK needs a real HTTP URL), and SDK clients pointed at it with its defaults
 * (API version v1 since 3.x, key in `x-goog-api-key`, `x-goog-api-client` naming it) and retries off, so each error reaches the test
 * as the SDK reports it.
 */
import { GoogleGenAI } from "@google/genai";
import type { ClientRequest } from "./anthropic-sdk-fixture.ts";
import { type AppFixture, type AppFixtureOptions, startAppFixture } from "./app-fixture.ts";
import { type ListeningApp, listen } from "./listening-app.ts";
import { rememberSecret } from "./secret-scan.ts";

/** The key the SDK sends when a test configures none (it refuses to start without one). */
const UNCHECKED_KEY = "google-unchecked-key";

export interface GoogleSdkFixture extends AsyncDisposable {
  readonly app: AppFixture;
  readonly server: ListeningApp;
  /** Every request the SDK sent, in order. */
  readonly received: ClientRequest[];
  /** An SDK client of the listening app; `apiVersion` only when a test sets one. */
  client(options?: { apiKey?: string; apiVersion?: string }): GoogleGenAI;
}

export async function startGoogleSdkFixture(options: AppFixtureOptions): Promise<GoogleSdkFixture> {
  const app = await startAppFixture(options);
  const received: ClientRequest[] = [];
  const server = listen((request) => {
    const url = new URL(request.url);
    received.push({ method: request.method, target: url.pathname + url.search, headers: request.headers });
    return app.handle(request);
  });
  return {
    app,
    server,
    received,
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
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await app[Symbol.asyncDispose]();
      if (server.unexpectedErrors.length > 0) {
        throw new Error(`the server's last-resort handler saw: ${String(server.unexpectedErrors[0])}`);
      }
    },
  };
}
