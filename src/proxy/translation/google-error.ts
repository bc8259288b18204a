/**
 * What every protocol's error translation reads from Google's error reply: the message a user
 * needs (quota, model not found, invalid argument), with Google's status name, and the HTTP
 * status that decides the client's error. Google's status string (`RESOURCE_EXHAUSTED`,
 * `UNAVAILABLE`, …), when it is one of the canonical codes, decides over the HTTP status: the
 * two agree on a whole reply, and an error event inside a stream may carry no HTTP code at all.
 * A body that is not Google's error JSON gives a message naming only the status, never the
 * body's text.
 */
import { parseGoogleError } from "../../accounts/upstream-failure.ts";

export interface GoogleErrorSummary {
  /** The HTTP status the error stands for (the canonical code's, when Google named one). */
  readonly status: number;
  readonly message: string;
}

/** google.rpc.Code names → the HTTP status Google pairs them with. */
const CANONICAL_STATUS = new Map<string, number>([
  ["INVALID_ARGUMENT", 400],
  ["FAILED_PRECONDITION", 400],
  ["OUT_OF_RANGE", 400],
  ["UNAUTHENTICATED", 401],
  ["PERMISSION_DENIED", 403],
  ["NOT_FOUND", 404],
  ["ALREADY_EXISTS", 409],
  ["ABORTED", 409],
  ["RESOURCE_EXHAUSTED", 429],
  ["CANCELLED", 499],
  ["UNKNOWN", 500],
  ["INTERNAL", 500],
  ["DATA_LOSS", 500],
  ["UNIMPLEMENTED", 501],
  ["UNAVAILABLE", 503],
  ["DEADLINE_EXCEEDED", 504],
]);

export function summarizeGoogleError(status: number, bodyText: string): GoogleErrorSummary {
  const parsed = parseGoogleError(bodyText);
  const google = parsed?.message === "" ? undefined : parsed;
  const message =
    google === undefined
      ? `the upstream answered with HTTP ${status}`
      : google.status === undefined
        ? google.message
        : `${google.message} (${google.status})`;
  const canonical = google?.status === undefined ? undefined : CANONICAL_STATUS.get(google.status);
  return { status: canonical ?? status, message };
}
