/**
 * Last line of defence against secrets in logs and errors: Google token shapes, credentials in
 * query strings and form bodies (`?key=…`, `refresh_token=…`), bearer tokens and key headers are
 * masked even if some code path forgot not to include them, and so is every configured secret
 * the logger was given (see secret-mask.ts). Code must still never put a token in a message.
 */
const GOOGLE_TOKEN_SHAPES = [
  /ya29\.[A-Za-z0-9_\-.]+/g, // access tokens
  /1\/\/[A-Za-z0-9_\-.]{8,}/g, // refresh tokens
];

/** `name=value` in query strings and form bodies. */
const CREDENTIAL_PARAMS =
  /\b(refresh_token|access_token|id_token|client_secret|code_verifier|code|key|api_key|apikey|token|password|secret)=([^&\s"'#]+)/gi;

/** `Authorization: Bearer …`, `x-api-key: …` as they would appear in a dumped request. */
const CREDENTIAL_HEADERS = /\b(bearer|basic|x-api-key:|x-goog-api-key:)\s*([^\s"',;]+)/gi;

export function redact(text: string): string {
  let out = text;
  for (const shape of GOOGLE_TOKEN_SHAPES) {
    out = out.replace(shape, (match) => `${match.slice(0, 4)}[redacted]`);
  }
  out = out.replace(CREDENTIAL_PARAMS, (_match, name: string) => `${name}=[redacted]`);
  return out.replace(CREDENTIAL_HEADERS, (_match, name: string) => `${name} [redacted]`);
}
