/**
 * The bench's own SSE client, for what wrk cannot see: the time from sending a streamed request
 * to the first `data:` event of its reply. One kept-alive TCP connection, requests one after the
 * other, written as raw HTTP/1.1 and read with a small chunked-transfer parser, so the client adds
 * the same few microseconds to every target.
 */
import { connect, type Socket } from "node:net";

export interface FirstEventSample {
  /** Milliseconds from writing the request to the first body bytes holding `data:`. */
  readonly firstEventMs: number;
  /** Milliseconds from writing the request to the reply's last byte. */
  readonly totalMs: number;
  /** False when the reply came whole, with a Content-Length: nothing was passed on early. */
  readonly chunked: boolean;
}

export interface FirstEventRun {
  /** The server's base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Path and query of the streamed call. */
  readonly path: string;
  readonly body: string;
  readonly clientKey: string;
  readonly requests: number;
}

const HEADER_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");
const DATA = Buffer.from("data:");

/**
 * Reads one HTTP reply as its bytes arrive: chunked, as a stream is sent, or with a
 * Content-Length, as Bun sends a stream that had wholly arrived before its reply began.
 */
class StreamedReply {
  private pending: Buffer = Buffer.alloc(0);
  private headersRead = false;
  /** Body bytes still expected of a reply with a Content-Length. */
  private lengthLeft: number | undefined;
  /** Bytes left of the current chunk and its CRLF; undefined while a size line is awaited. */
  private chunkLeft: number | undefined;
  private lastChunk = false;
  chunked = false;
  sawEvent = false;
  complete = false;

  /** Takes the next bytes; returns true when they held the reply's first event. */
  feed(bytes: Buffer): boolean {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    if (!this.headersRead && !this.readHeaders()) return false;
    const firstEvent = !this.sawEvent && this.pending.includes(DATA);
    this.sawEvent ||= firstEvent;
    if (this.chunked) this.readChunks();
    else this.readLength();
    return firstEvent;
  }

  private readHeaders(): boolean {
    const end = this.pending.indexOf(HEADER_END);
    if (end < 0) return false;
    const head = this.pending.subarray(0, end).toString("latin1");
    if (!head.startsWith("HTTP/1.1 200 ")) throw new Error(`Expected a 200 reply, got: ${head}`);
    this.chunked = /^transfer-encoding: *chunked\s*$/im.test(head);
    const length = /^content-length: *(\d+)\s*$/im.exec(head)?.[1];
    if (!this.chunked && length === undefined)
      throw new Error(`Expected a chunked reply or a Content-Length, got: ${head}`);
    this.lengthLeft = length === undefined ? undefined : Number(length);
    this.headersRead = true;
    this.pending = this.pending.subarray(end + HEADER_END.length);
    return true;
  }

  private readLength(): void {
    const taken = Math.min(this.lengthLeft ?? 0, this.pending.length);
    this.pending = this.pending.subarray(taken);
    this.lengthLeft = (this.lengthLeft ?? 0) - taken;
    this.complete = this.lengthLeft === 0;
  }

  private readChunks(): void {
    while (!this.complete && this.pending.length > 0) {
      if (this.chunkLeft === undefined) {
        const lineEnd = this.pending.indexOf(CRLF);
        if (lineEnd < 0) return;
        const size = Number.parseInt(this.pending.subarray(0, lineEnd).toString("latin1"), 16);
        this.pending = this.pending.subarray(lineEnd + CRLF.length);
        // The last chunk (size 0) is followed by an empty trailer line: its CRLF ends the reply.
        this.chunkLeft = size + CRLF.length;
        this.lastChunk = size === 0;
        continue;
      }
      const taken = Math.min(this.chunkLeft, this.pending.length);
      this.pending = this.pending.subarray(taken);
      this.chunkLeft -= taken;
      if (this.chunkLeft === 0) {
        this.chunkLeft = undefined;
        this.complete = this.lastChunk;
      }
    }
  }
}

function requestBytes(run: FirstEventRun, host: string): Buffer {
  const body = Buffer.from(run.body);
  const head = [
    `POST ${run.path} HTTP/1.1`,
    `host: ${host}`,
    "content-type: application/json",
    `x-goog-api-key: ${run.clientKey}`,
    `content-length: ${body.length}`,
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head), body]);
}

/** Sends `run.requests` streamed requests one after the other on one connection. */
export async function measureFirstEvents(run: FirstEventRun): Promise<FirstEventSample[]> {
  const { hostname, port, host } = new URL(run.url);
  const request = requestBytes(run, host);
  const socket: Socket = connect({ host: hostname, port: Number(port), noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const samples: FirstEventSample[] = [];
  try {
    for (let i = 0; i < run.requests; i++) samples.push(await oneRequest(socket, request));
  } finally {
    socket.destroy();
  }
  return samples;
}

function oneRequest(socket: Socket, request: Buffer): Promise<FirstEventSample> {
  return new Promise((resolve, reject) => {
    const reply = new StreamedReply();
    let firstEventMs = Number.NaN;
    const started = performance.now();
    const onData = (bytes: Buffer): void => {
      try {
        if (reply.feed(bytes)) firstEventMs = performance.now() - started;
      } catch (error) {
        finish();
        reject(error);
        return;
      }
      if (!reply.complete) return;
      finish();
      if (!reply.sawEvent) reject(new Error("The streamed reply ended without a data: event"));
      else resolve({ firstEventMs, totalMs: performance.now() - started, chunked: reply.chunked });
    };
    const onEnd = (): void => {
      finish();
      reject(new Error("The server closed the connection before the reply ended"));
    };
    const finish = (): void => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onEnd);
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onEnd);
    socket.write(request);
  });
}
