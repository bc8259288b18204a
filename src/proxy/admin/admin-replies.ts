/**
 * The admin API's replies: JSON bodies, and errors in Google's shape
 * (`{"error": {"code": 404, "status": "NOT_FOUND", "message": "…"}}`) like the rest of the proxy.
 * Admin replies describe accounts and keys, so none of them may be cached by anything in between.
 */

/** Google's canonical status names for the HTTP statuses the admin API answers with. */
export type AdminErrorStatus =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "FAILED_PRECONDITION"
  | "INTERNAL"
  | "UNAVAILABLE";

export interface AdminErrorBody {
  readonly error: { readonly code: number; readonly status: AdminErrorStatus; readonly message: string };
}

const NO_STORE = { "cache-control": "no-store" } as const;

export function adminJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE, ...headers },
  });
}

export function adminError(
  code: number,
  status: AdminErrorStatus,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: AdminErrorBody = { error: { code, status, message } };
  return adminJson(code, body, headers);
}

export function adminNoContent(): Response {
  return new Response(null, { status: 204, headers: NO_STORE });
}
