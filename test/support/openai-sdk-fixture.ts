/**
 * The official OpenAI SDK as the client of grantpool: the app fixture served on 127.0.0.1:0 (the
 * SDK needs a real HTTP URL), and SDK clients pointed at its `/v1` with retries off, so each
 * error reaches the test as the SDK reports it.
 */
import OpenAI from "openai";
import type { AppFixtureOptions } from "./app-fixture.ts";
import { type ServedApp, startServedApp } from "./sdk-fixture.ts";
import { rememberSecret } from "./secret-scan.ts";

/** The key the SDK sends when a test configures none; grantpool's auth is off then. */
const UNCHECKED_KEY = "sk-openai-unchecked";

export interface OpenAiClientOptions {
  /** Sent as `Authorization: Bearer` (the SDK's apiKey). */
  readonly apiKey?: string;
  readonly defaultHeaders?: Record<string, string>;
}

export interface OpenAiFixture extends ServedApp {
  /** An SDK client of the listening app, `maxRetries: 0`. */
  client(options?: OpenAiClientOptions): OpenAI;
}

export async function startOpenAiFixture(options: AppFixtureOptions): Promise<OpenAiFixture> {
  const served = await startServedApp(options);
  const { server } = served;
  return {
    ...served,
    client: (client = {}) => {
      // Whatever key a client sends, right or wrong, must never reach a log line.
      rememberSecret(client.apiKey ?? UNCHECKED_KEY);
      return new OpenAI({
        baseURL: `${server.url.replace(/\/$/, "")}/v1`,
        apiKey: client.apiKey ?? UNCHECKED_KEY,
        maxRetries: 0,
        ...(client.defaultHeaders === undefined ? {} : { defaultHeaders: client.defaultHeaders }),
      });
    },
  };
}

/** The error an SDK call failed with; throws when it did not fail with an APIError. */
export async function apiFailure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(outcome)}`);
  return outcome;
}
