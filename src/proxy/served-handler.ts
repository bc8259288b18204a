/**
 * The app as the proxy serves it: behind the HTTP server telemetry (spans, durations, named by
 * route template) when anything records, and bare — no wrapping at all — when telemetry is off.
 */
import { type FetchHandler, instrumentHandler } from "../telemetry/http-server-telemetry.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { routeTemplate } from "./route-template.ts";

export function servedHandler(
  app: { handle(request: Request): Promise<Response> },
  telemetry: Telemetry,
): FetchHandler {
  const handle = (request: Request) => app.handle(request);
  if (!telemetry.recording) return handle;
  return instrumentHandler(handle, {
    tracer: telemetry.tracer,
    metrics: telemetry.metrics,
    routeOf: routeTemplate,
  });
}
