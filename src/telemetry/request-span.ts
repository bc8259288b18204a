/**
 * The server span of the request being served, kept in the OpenTelemetry context beside the
 * active span: account events belong on the request's span even when they happen inside a child
 * (the refresh that met invalid_grant).
 */
import { type Context, context, createContextKey, type Span } from "@opentelemetry/api";

const REQUEST_SPAN = createContextKey("grantpool.request-span");

export function withRequestSpan(parent: Context, span: Span): Context {
  return parent.setValue(REQUEST_SPAN, span);
}

export function currentRequestSpan(): Span | undefined {
  return context.active().getValue(REQUEST_SPAN) as Span | undefined;
}
