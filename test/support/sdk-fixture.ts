/**
 * What every official-SDK fixture shares: the app fixture served on 127.0.0.1:0 (SDKs need a
 * real HTTP URL), every request the SDK sent recorded in order, and a disposal that fails the
 * test when the server's last-resort handler saw an error. Each SDK's fixture adds its client.
 */
import { type AppFixture, type AppFixtureOptions, startAppFixture } from "./app-fixture.ts";
import { type ListeningApp, listen } from "./listening-app.ts";

/** A request as it reached grantpool from the SDK. */
export interface ClientRequest {
  readonly method: string;
  /** Path and query. */
  readonly target: string;
  readonly headers: Headers;
}

export interface ServedApp extends AsyncDisposable {
  readonly app: AppFixture;
  readonly server: ListeningApp;
  /** Every request the SDK sent, in order. */
  readonly received: ClientRequest[];
}

export async function startServedApp(options: AppFixtureOptions): Promise<ServedApp> {
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
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await app[Symbol.asyncDispose]();
      if (server.unexpectedErrors.length > 0) {
        throw new Error(`the server's last-resort handler saw: ${String(server.unexpectedErrors[0])}`);
      }
    },
  };
}
