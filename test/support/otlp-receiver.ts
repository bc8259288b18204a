/**
 * A local OTLP/HTTP collector for tests: one Bun.serve server on 127.0.0.1, port 0, accepting
 * protobuf exports on /v1/traces, /v1/metrics and /v1/logs (optionally gzip-compressed) and
 * replying as a collector does: 200 with an empty ExportServiceResponse. It decodes what it
 * receives with protobufjs and the official .proto files (otlp-protobuf.ts), never with the OpenTelemetry packages
 * under test, and keeps the payloads so tests can scan them for secrets.
 */
import { decodeLogsExport, decodeMetricsExport, decodeTraceExport } from "./otlp-protobuf.ts";
import type { DecodedLogRecord, DecodedMetric, DecodedSpan } from "./otlp-types.ts";
import { type WaitForOptions, waitFor } from "./wait-for.ts";

export type * from "./otlp-types.ts";

export type OtlpSignal = "traces" | "metrics" | "logs";

export interface OtlpRequest {
  method: string;
  path: string;
  /** The signal of an export path; undefined for any other path. */
  signal: OtlpSignal | undefined;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The status the receiver replied with. */
  status: number;
  /** Why the receiver refused or failed to decode the request. */
  error?: string;
}

export interface OtlpReceiver extends AsyncDisposable {
  /** Base URL without a trailing slash, for OTEL_EXPORTER_OTLP_ENDPOINT; signals go to `${url}/v1/traces` etc. */
  readonly url: string;
  /** Everything decoded so far, in arrival order. Cumulative metrics appear once per export. */
  readonly spans: readonly DecodedSpan[];
  readonly metrics: readonly DecodedMetric[];
  readonly logs: readonly DecodedLogRecord[];
  /** Every request, accepted or not. */
  readonly requests: readonly OtlpRequest[];
  /** The protobuf payload of every accepted export, after gunzip, as the exporter sent it. */
  readonly rawBodies: readonly Uint8Array[];
  /** Whether any accepted payload contains `text` (UTF-8), e.g. a token that must never leave. */
  rawBodiesContain(text: string): boolean;
  /** Resolves with the first span matching a name or predicate; rejects after the deadline. */
  waitForSpan(
    match: string | ((span: DecodedSpan) => boolean),
    options?: WaitForOptions,
  ): Promise<DecodedSpan>;
  /** Resolves with the latest export of a matching metric (the freshest cumulative value). */
  waitForMetric(
    match: string | ((metric: DecodedMetric) => boolean),
    options?: WaitForOptions,
  ): Promise<DecodedMetric>;
  /** Resolves with the first log record matching an event name or predicate. */
  waitForLog(
    match: string | ((record: DecodedLogRecord) => boolean),
    options?: WaitForOptions,
  ): Promise<DecodedLogRecord>;
  /** Polls `predicate` against this receiver until it returns a truthy value, which is returned. */
  waitUntil<T>(
    predicate: (receiver: OtlpReceiver) => T,
    options?: WaitForOptions,
  ): Promise<Exclude<T, false | 0 | "" | null | undefined>>;
  stop(): Promise<void>;
}

const PROTOBUF = "application/x-protobuf";
const SIGNALS: Readonly<Record<string, OtlpSignal>> = {
  "/v1/traces": "traces",
  "/v1/metrics": "metrics",
  "/v1/logs": "logs",
};

class RunningReceiver implements OtlpReceiver {
  readonly url: string;
  readonly spans: DecodedSpan[] = [];
  readonly metrics: DecodedMetric[] = [];
  readonly logs: DecodedLogRecord[] = [];
  readonly requests: OtlpRequest[] = [];
  readonly rawBodies: Uint8Array[] = [];
  #server: ReturnType<typeof Bun.serve> | undefined;
  #stopped: Promise<void> | undefined;

  constructor() {
    this.#server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      development: false,
      fetch: (request) => this.#handle(request),
      error: (error) => new Response(`OTLP receiver bug: ${error.message}`, { status: 500 }),
    });
    this.url = `http://127.0.0.1:${this.#server.port}`;
  }

  rawBodiesContain(text: string): boolean {
    const needle = Buffer.from(text, "utf8");
    return this.rawBodies.some((body) =>
      Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes(needle),
    );
  }

  waitForSpan(
    match: string | ((span: DecodedSpan) => boolean),
    options: WaitForOptions = {},
  ): Promise<DecodedSpan> {
    const test = typeof match === "string" ? (s: DecodedSpan) => s.name === match : match;
    return this.waitUntil(() => this.spans.find(test), {
      ...options,
      message: options.message ?? `a span ${describeMatch(match)}`,
    });
  }

  waitForMetric(
    match: string | ((metric: DecodedMetric) => boolean),
    options: WaitForOptions = {},
  ): Promise<DecodedMetric> {
    const test = typeof match === "string" ? (m: DecodedMetric) => m.name === match : match;
    return this.waitUntil(() => this.metrics.findLast(test), {
      ...options,
      message: options.message ?? `a metric ${describeMatch(match)}`,
    });
  }

  waitForLog(
    match: string | ((record: DecodedLogRecord) => boolean),
    options: WaitForOptions = {},
  ): Promise<DecodedLogRecord> {
    const test = typeof match === "string" ? (r: DecodedLogRecord) => r.eventName === match : match;
    return this.waitUntil(() => this.logs.find(test), {
      ...options,
      message: options.message ?? `a log record ${describeMatch(match)}`,
    });
  }

  waitUntil<T>(
    predicate: (receiver: OtlpReceiver) => T,
    options: WaitForOptions = {},
  ): Promise<Exclude<T, false | 0 | "" | null | undefined>> {
    return waitFor(
      () => {
        // An undecodable export is a bug in the exporter or the decoder: say so now, not at the deadline.
        const failed = this.requests.find((r) => r.status === 400);
        if (failed !== undefined) throw new Error(`OTLP receiver refused ${failed.path}: ${failed.error}`);
        return predicate(this);
      },
      this.#withMessage(options, "a condition on the OTLP receiver"),
    );
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const server = this.#server;
      this.#server = undefined;
      await server?.stop(true);
    })();
    return this.#stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** The failure message names what was awaited and what did arrive, so a timeout explains itself. */
  #withMessage(options: WaitForOptions, awaited: string): WaitForOptions {
    const own = options.message;
    return {
      ...options,
      message: () => `${typeof own === "function" ? own() : (own ?? awaited)}; received ${this.#summary()}`,
    };
  }

  #summary(): string {
    const names = (items: readonly { name?: string; eventName?: string | undefined }[]) =>
      JSON.stringify([...new Set(items.map((i) => i.name ?? i.eventName ?? "(unnamed)"))]);
    const refused = this.requests.filter((r) => r.error !== undefined).map((r) => `${r.status} ${r.error}`);
    return `spans ${names(this.spans)}, metrics ${names(this.metrics)}, logs ${names(this.logs)}, refused ${JSON.stringify(refused)}`;
  }

  async #handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const signal = SIGNALS[path];
    const record: OtlpRequest = {
      method: request.method,
      path,
      signal,
      headers: Object.fromEntries(request.headers),
      status: 200,
    };
    this.requests.push(record);
    const refuse = (status: number, error: string): Response => {
      record.status = status;
      record.error = error;
      return new Response(error, { status, headers: { "content-type": "text/plain" } });
    };
    if (signal === undefined) return refuse(404, `No OTLP endpoint at ${path}`);
    if (request.method !== "POST") return refuse(405, `${request.method} is not allowed on ${path}`);
    const contentType = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (contentType !== PROTOBUF) return refuse(415, `Unsupported content type "${contentType}"`);
    const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
    if (encoding !== "identity" && encoding !== "gzip") {
      return refuse(415, `Unsupported content encoding "${encoding}"`);
    }
    let body = new Uint8Array(await request.arrayBuffer());
    try {
      if (encoding === "gzip") body = Bun.gunzipSync(body);
      this.#decode(signal, body);
    } catch (error) {
      return refuse(400, `Cannot decode ${signal} export: ${error instanceof Error ? error.message : error}`);
    }
    this.rawBodies.push(body);
    // An empty Export*ServiceResponse: no partial_success, i.e. everything was accepted.
    return new Response(new Uint8Array(0), { status: 200, headers: { "content-type": PROTOBUF } });
  }

  #decode(signal: OtlpSignal, body: Uint8Array): void {
    if (signal === "traces") this.spans.push(...decodeTraceExport(body));
    else if (signal === "metrics") this.metrics.push(...decodeMetricsExport(body));
    else this.logs.push(...decodeLogsExport(body));
  }
}

function describeMatch(match: string | ((item: never) => boolean)): string {
  return typeof match === "string" ? `named "${match}"` : "matching the predicate";
}

export function startOtlpReceiver(): Promise<OtlpReceiver> {
  return Promise.resolve(new RunningReceiver());
}
