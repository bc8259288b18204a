/**
 * The official Anthropic SDK as the client of grantpool: the app fixture served on 127.0.0.1:0
 * (the SDK needs a real HTTP URL), and SDK clients pointed at it with retries off, so each error
 * reaches the test as the SDK reports it. Also the few readers of what the emulator received
 * that the Anthropic tests share.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { AppFixture, AppFixtureOptions } from "./app-fixture.ts";
import type { UpstreamRequest } from "./google-emulator.ts";
import { type ServedApp, startServedApp } from "./sdk-fixture.ts";
import { rememberSecret } from "./secret-scan.ts";

export const PROFILES = ["gemini", "code-assist"] as const;
export type Profile = (typeof PROFILES)[number];

/** The key the SDK sends when a test configures none; grantpool's auth is off then. */
const UNCHECKED_KEY = "sk-ant-unchecked";

export interface ClientOptions {
  /** Sent as `x-api-key` (the SDK's apiKey). */
  readonly apiKey?: string;
  /** Sent as `Authorization: Bearer` (the SDK's authToken). */
  readonly authToken?: string;
  readonly defaultHeaders?: Record<string, string>;
}

export interface AnthropicFixture extends ServedApp {
  /** An SDK client of the listening app, `maxRetries: 0`. */
  client(options?: ClientOptions): Anthropic;
}

export async function startAnthropicFixture(options: AppFixtureOptions): Promise<AnthropicFixture> {
  const served = await startServedApp(options);
  const { server } = served;
  return {
    ...served,
    client: (client = {}) => {
      // Whatever key a client sends, right or wrong, must never reach a log line.
      rememberSecret(client.apiKey ?? UNCHECKED_KEY);
      rememberSecret(client.authToken);
      return new Anthropic({
        baseURL: server.url,
        ...(client.authToken === undefined
          ? { apiKey: client.apiKey ?? UNCHECKED_KEY }
          : { authToken: client.authToken }),
        maxRetries: 0,
        ...(client.defaultHeaders === undefined ? {} : { defaultHeaders: client.defaultHeaders }),
      });
    },
  };
}

/** The generate calls (streamed or not) that reached the emulator, in order. */
export function generateCalls(app: AppFixture): UpstreamRequest[] {
  return app.google.upstreamRequests.filter((r) => /:(stream)?[gG]enerateContent$/.test(r.path));
}

/** The Gemini request inside a recorded call (Cloud Code wraps it as `{model, project, request}`). */
export function geminiRequestOf(call: UpstreamRequest | undefined): Record<string, unknown> {
  const body = call?.body as Record<string, unknown> | undefined;
  if (body === undefined) throw new Error("no upstream call was recorded");
  const inner = call?.path.startsWith("/v1internal:") ? body.request : body;
  return inner as Record<string, unknown>;
}

/** The upstream model a recorded call named, on either profile. */
export function upstreamModelOf(call: UpstreamRequest | undefined): string | undefined {
  if (call === undefined) return undefined;
  if (call.path.startsWith("/v1internal:")) return (call.body as { model?: string }).model;
  return /\/models\/([^:]+):/.exec(call.path)?.[1];
}
