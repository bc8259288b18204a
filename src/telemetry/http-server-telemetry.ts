/**
 * Wraps a fetch-style handler with the server side of SPEC §9: a SERVER span per request, made
 * the active context while the handler runs (so the pool's refresh and upstream spans become its
 * children), ended — and `http.server.request.duration` recorded — when the last byte of the reply
 * is there, or the client went away. Only the route template is recorded, never the path or query
 * (paths can hold emails, queries can hold keys).
 *
 * How the last byte is awaited depends on the reply. A whole reply (JSON, not a stream) is read by
 * the runtime before it is handed to the server, which then writes it in one go: following it
 * through a JavaScript stream cost a third of the proxy's throughput. A stream (SSE, or Gemini's
 * streamed JSON array) is passed on chunk by chunk as it arrives, and followed to its end.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { GrantpoolMetrics } from "./grantpool-metrics.ts";
import { withRequestSpan } from "./request-span.ts";

export type FetchHandler = (request: Request) => Promise<Response> | Response;

export interface HttpServerTelemetryDeps {
  readonly tracer: Tracer;
  readonly metrics: GrantpoolMetrics;
  /** The low-cardinality route of a request (`/v1beta/models/{model}:generateContent`), if known. */
  readonly routeOf: (method: string, path: string) => string | undefined;
  /** Monotonic milliseconds; `performance.now` unless a test drives it. */
  readonly now?: () => number;
}

/** Reads W3C `traceparent` (when a propagator is registered): a client's trace continues here. */
const HEADER_GETTER: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** Calls `done` once the body is fully read or cancelled, passing chunks through untouched. */
function onBodyEnd(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done: finished } = await reader.read();
          if (finished) {
            controller.close();
            done();
          } else {
            controller.enqueue(value);
          }
        } catch (cause) {
          controller.error(cause);
          done();
        }
      },
      async cancel(reason) {
        done();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Whether a reply is delivered over time (SSE, or Gemini's streamed JSON array). */
function isStreamed(response: Response, route: string | undefined): boolean {
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) return true;
  return route?.includes("streamGenerateContent") ?? false;
}

/** A reply whose body failed while it was read: the client sees the same failure. */
function failedBody(cause: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.error(cause) });
}

export function instrumentHandler(handler: FetchHandler, deps: HttpServerTelemetryDeps): FetchHandler {
  const now = deps.now ?? (() => performance.now());
  return async (request) => {
    const started = now();
    const method = request.method;
    const route = deps.routeOf(method, new URL(request.url).pathname);
    const attributes = {
      "http.request.method": method,
      ...(route === undefined ? {} : { "http.route": route }),
    };
    const parent = propagation.extract(context.active(), request.headers, HEADER_GETTER);
    const span = deps.tracer.startSpan(
      route === undefined ? method : `${method} ${route}`,
      { kind: SpanKind.SERVER, attributes },
      parent,
    );
    let ended = false;
    const finish = (status: number): void => {
      if (ended) return;
      ended = true;
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      deps.metrics.serverDuration.record((now() - started) / 1000, {
        ...attributes,
        "http.response.status_code": status,
      });
    };
    const active = withRequestSpan(trace.setSpan(parent, span), span);
    let response: Response;
    try {
      response = await context.with(active, () => handler(request));
    } catch (cause) {
      finish(500);
      throw cause;
    }
    if (response.body === null) {
      finish(response.status);
      return response;
    }
    const status = response.status;
    const init = { status, statusText: response.statusText, headers: response.headers };
    if (isStreamed(response, route)) {
      return new Response(
        onBodyEnd(response.body, () => finish(status)),
        init,
      );
    }
    let body: Uint8Array | ReadableStream<Uint8Array>;
    try {
      body = await response.bytes();
    } catch (cause) {
      body = failedBody(cause);
    }
    finish(status);
    return new Response(body, init);
  };
}
