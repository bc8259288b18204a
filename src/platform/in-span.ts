/**
 * The one way code runs inside a span: the span is active for the work (children nest under it),
 * a thrown error marks it failed, and it ends whatever happens. `settle` writes what the result
 * says on the span (attributes, an error status) before it ends. Without a tracer the work runs
 * bare (no context switch) and `settle` still runs, on a span that records nothing.
 */
import {
  INVALID_SPAN_CONTEXT,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export function inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  options: SpanOptions,
  work: (span: Span) => Promise<T>,
  settle?: (result: T, span: Span) => void,
): Promise<T> {
  if (tracer === undefined) {
    return work(NO_SPAN).then((result) => {
      settle?.(result, NO_SPAN);
      return result;
    });
  }
  return tracer.startActiveSpan(name, options, async (span: Span): Promise<T> => {
    try {
      const result = await work(span);
      settle?.(result, span);
      return result;
    } catch (error) {
      // The error's name only: a message may quote a reply that holds a token.
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
      throw error;
    } finally {
      span.end();
    }
  });
}
