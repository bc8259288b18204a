/**
 * Wraps a fetch-style handler with the server side of SPEC §9: a SERVER span per request, made
 * the active context while the handler runs (so the pool's refresh and upstream spans become its
 * children), ended — and `http.server.request.duration` recorded — when the last byte of the reply
 * is there, or the client went away. Only the route template is recorded, never the path or query
 * (paths can hold emails, queries can hold keys).
 *
 * How the last byte is awaited depends on the reply. A whole reply (JSON, not a stream) is read by
 * the runtime before it is handed to the server, which then writes it in one go: following it
 * through a JavaScript stream cost a third of the proxy's throughput. A reply its maker already
 * holds in memory (`wholeReply`) is recorded at once, and handed on untouched. A stream (SSE, or
 * Gemini's streamed JSON array) is passed on chunk by chunk as it arrives, and followed to its end.
 *
 * Without a tracer (no traces are exported) no span is started and no context is entered: the
 * duration metric is all that is recorded.
 */
import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { followBody, whenBodyEnds } from "./followed-body.ts";
import type { GrantpoolMetrics } from "./grantpool-metrics.ts";
import { withRequestSpan } from "./request-span.ts";

export type FetchHandler = (request: Request) => Promise<Response> | Response;

export interface HttpServerTelemetryDeps {
  /** SERVER spans, the active context while the handler runs; none when absent. */
  readonly tracer?: Tracer;
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

/** Whether a reply is delivered over time (SSE, or Gemini's streamed JSON array). */
function isStreamed(response: Response, route: string | undefined): boolean {
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) return true;
  return route?.includes("streamGenerateContent") ?? false;
}

/** A reply whose body failed while it was read: the client sees the same failure. */
function failedBody(cause: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.error(cause) });
}

/** Replies whose body was in memory when made: the server writes them in one go. */
const WHOLE = new WeakSet<Response>();

/**
 * `reply` with its body read whole by the runtime (never through a JavaScript stream), under
 * `init`'s status and headers: the server then writes it in one go, and its duration ends here.
 * A body that fails while read fails the same way for the client.
 */
export async function wholeReply(reply: Response, init: ResponseInit): Promise<Response> {
  let body: Uint8Array;
  try {
    body = await reply.bytes();
  } catch (cause) {
    return new Response(failedBody(cause), init);
  }
  return inMemoryReply(body, init);
}

/** A reply made from a body in memory, which the server writes in one go. */
export function inMemoryReply(body: Uint8Array | string, init: ResponseInit): Response {
  const reply = new Response(body, init);
  WHOLE.add(reply);
  return reply;
}

/** The path of a request URL the request gate admitted (origin + path + query, nothing else). */
function pathOf(url: string): string {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  if (slash === -1) return "/";
  const query = url.indexOf("?", slash);
  return query === -1 ? url.slice(slash) : url.slice(slash, query);
}

interface ServerSpan {
  readonly span: Span;
  /** The context the handler runs in: the span active, and kept as the request's span. */
  readonly active: Context;
}

function startServerSpan(
  tracer: Tracer,
  request: Request,
  route: string | undefined,
  attributes: Attributes,
): ServerSpan {
  const parent = propagation.extract(context.active(), request.headers, HEADER_GETTER);
  // Not inSpan: a server span ends when the reply's body has been sent, after the handler returned.
  const span = tracer.startSpan(
    route === undefined ? request.method : `${request.method} ${route}`,
    { kind: SpanKind.SERVER, attributes },
    parent,
  );
  return { span, active: withRequestSpan(trace.setSpan(parent, span), span) };
}

export function instrumentHandler(handler: FetchHandler, deps: HttpServerTelemetryDeps): FetchHandler {
  const now = deps.now ?? (() => performance.now());
  const { tracer } = deps;
  return async (request) => {
    const started = now();
    const method = request.method;
    const route = deps.routeOf(method, pathOf(request.url));
    const server =
      tracer === undefined
        ? undefined
        : startServerSpan(
            tracer,
            request,
            route,
            route === undefined
              ? { "http.request.method": method }
              : { "http.request.method": method, "http.route": route },
          );
    let ended = false;
    const finish = (status: number): void => {
      if (ended) return;
      ended = true;
      if (server !== undefined) {
        server.span.setAttribute("http.response.status_code", status);
        if (status >= 500) server.span.setStatus({ code: SpanStatusCode.ERROR });
        server.span.end();
      }
      deps.metrics.serverDuration.record((now() - started) / 1000, method, route, status);
    };
    let response: Response;
    try {
      response =
        server === undefined
          ? await handler(request)
          : await context.with(server.active, () => handler(request));
    } catch (cause) {
      finish(500);
      throw cause;
    }
    if (WHOLE.has(response)) {
      finish(response.status);
      return response;
    }
    if (response.body === null) {
      finish(response.status);
      return response;
    }
    const status = response.status;
    const init = { status, statusText: response.statusText, headers: response.headers };
    if (isStreamed(response, route)) {
      // A body the proxy already follows is joined, not wrapped in a second stream.
      if (whenBodyEnds(response, () => finish(status))) return response;
      const followed = followBody(response);
      whenBodyEnds(followed, () => finish(status));
      return followed;
    }
    const whole = await wholeReply(response, init);
    finish(status);
    return whole;
  };
}
