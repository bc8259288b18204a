/**
 * The official OpenAI SDK as the client of grantpool: the app fixture served on 127.0.0.1:0 (the
 * SDK needs a real HTTP URL), and SDK clients pointed at its `/v1` with retries off, so each
 * error reaches the test as the SDK reports it.
 */
import OpenAI from "openai";
import { type AppFixture, type AppFixtureOptions, startAppFixture } from "./app-fixture.ts";
import { type ListeningApp, listen } from "./listening-app.ts";
import { rememberSecret } from "./secret-scan.ts";

/** The key the SDK sends when a test configures none; grantpool's auth is off then. */
const UNCHECKED_KEY = "sk-openai-unchecked";

export interface OpenAiClientOptions {
  /** Sent as `Authorization: Bearer` (the SDK's apiKey). */
  readonly apiKey?: string;
  readonly defaultHeaders?: Record<string, string>;
}

/** A request as it reached grantpool from the SDK. */
export interface ClientRequest {
  readonly method: string;
  /** Path and query. */
  readonly target: string;
  readonly headers: Headers;
}

export interface OpenAiFixture extends AsyncDisposable {
  readonly app: AppFixture;
  readonly server: ListeningApp;
  /** Every request the SDK sent, in order. */
  readonly received: ClientRequest[];
  /** An SDK client of the listening app, `maxRetries: 0`. */
  client(options?: OpenAiClientOptions): OpenAI;
}

export async function startOpenAiFixture(options: AppFixtureOptions): Promise<OpenAiFixture> {
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
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await app[Symbol.asyncDispose]();
      if (server.unexpectedErrors.length > 0) {
        throw new Error(`the server's last-resort handler saw: ${String(server.unexpectedErrors[0])}`);
      }
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
