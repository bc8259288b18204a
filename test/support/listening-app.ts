/** An app fixture served on 127.0.0.1:0 through the platform's server, as the proxy serves it. */
import { type RunningServer, serve } from "../../src/platform/runtime.ts";
import { refuseInProtocol } from "../../src/proxy/served-handler.ts";

export interface ListeningApp extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  /** Errors the server's last-resort handler saw (a handler that threw). */
  readonly unexpectedErrors: unknown[];
}

export function listen(handle: (request: Request) => Promise<Response>): ListeningApp {
  const unexpectedErrors: unknown[] = [];
  const server: RunningServer = serve(handle, {
    port: 0,
    hostname: "127.0.0.1",
    refuse: refuseInProtocol,
    onUnexpectedError: (error) => unexpectedErrors.push(error),
  });
  return {
    port: server.port,
    url: server.url,
    unexpectedErrors,
    [Symbol.asyncDispose]: () => server.stop(),
  };
}
