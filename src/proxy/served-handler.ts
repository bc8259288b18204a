/**
 * The app as the proxy serves it (behind the platform's request gate): wrapped by the HTTP server
 * telemetry (durations named by route template, and spans when traces are exported) when anything
 * records, and bare — no wrapping at all — when telemetry is off.
 */
import type { Refuse } from "../platform/request-gate.ts";
import { type FetchHandler, instrumentHandler } from "../telemetry/http-server-telemetry.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { errorReply, protocolOfPath } from "./protocol-errors.ts";
import { routeTemplate } from "./route-template.ts";

export function servedHandler(
  app: { handle(request: Request): Promise<Response> },
  telemetry: Telemetry,
): FetchHandler {
  const handle = (request: Request) => app.handle(request);
  if (!telemetry.recording) return handle;
  return instrumentHandler(handle, {
    ...(telemetry.tracing ? { tracer: telemetry.tracer } : {}),
    metrics: telemetry.metrics,
    routeOf: routeTemplate,
  });
}

/** The request gate's refusals in the client protocol's error format. */
export const refuseInProtocol: Refuse = ({ status, message, path }) =>
  errorReply(protocolOfPath(path), { kind: status === 405 ? "method_not_allowed" : "bad_request", message });
