/**
 * The app as the proxy serves it: every request passes the request gate first (a canonical URL,
 * or a 400 for an unusable target), then the HTTP server telemetry (spans, durations, named by
 * route template) when anything records — no wrapping at all when telemetry is off.
 */
import { type FetchHandler, instrumentHandler } from "../telemetry/http-server-telemetry.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { admitRequest } from "./request-gate.ts";
import { routeTemplate } from "./route-template.ts";

export function servedHandler(
  app: { handle(request: Request): Promise<Response> },
  telemetry: Telemetry,
): FetchHandler {
  const handle = (request: Request) => app.handle(request);
  const inner = telemetry.recording
    ? instrumentHandler(handle, {
        tracer: telemetry.tracer,
        metrics: telemetry.metrics,
        routeOf: routeTemplate,
      })
    : handle;
  return (request) => {
    const admission = admitRequest(request);
    return admission.ok ? inner(admission.request) : admission.reply;
  };
}
