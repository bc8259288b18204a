/**
 * HTTP/1.1 requests written byte for byte to a socket, for what `fetch` refuses to send: odd Host
 * headers, absolute-form and authority-form targets, dot segments, CONNECT, bodies that trickle.
 */
import { connect, type Socket } from "node:net";

export interface RawReply {
  /** 0 when the server closed the connection without a status line. */
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** Everything the server sent. */
  readonly raw: string;
}

function parse(raw: string): RawReply {
  const end = raw.indexOf("\r\n\r\n");
  const head = end === -1 ? raw : raw.slice(0, end);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: end === -1 ? "" : raw.slice(end + 4), raw };
}

export interface RawOptions {
  /** Called with the socket after the request text was written (to trickle more, or half-close). */
  readonly afterWrite?: (socket: Socket) => void;
  /** Give up after this long (the reply so far is returned); the caller's deadline, not a sleep. */
  readonly timeoutMs?: number;
}

/** Writes `text` to 127.0.0.1:`port` and reads until the server closes the connection. */
export function rawRequest(
  port: number,
  text: string | Uint8Array,
  options: RawOptions = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks).toString("latin1")));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, options.timeoutMs ?? 10_000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("close", finish);
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(text, () => options.afterWrite?.(socket));
  });
}

/** A request's text: request line, headers (Connection: close added), blank line, body. */
export function requestText(
  method: string,
  target: string,
  headers: Readonly<Record<string, string>>,
  body = "",
): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== "" && !Object.keys(headers).some((name) => name.toLowerCase() === "content-length")) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  lines.push("Connection: close", "", body);
  return lines.join("\r\n");
}
