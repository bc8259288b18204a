/**
 * Last line of defence against secrets in logs and errors: Google token shapes are masked even if
 * some code path forgot not to include them. Code must still never put a token in a message.
 */
const GOOGLE_TOKEN_SHAPES = [
  /ya29\.[A-Za-z0-9_\-.]+/g, // access tokens
  /1\/\/[A-Za-z0-9_\-.]{8,}/g, // refresh tokens
  /\b(refresh_token|access_token|client_secret|code_verifier|code)=([^&\s"]+)/g, // form bodies
];

export function redact(text: string): string {
  let out = text;
  for (const shape of GOOGLE_TOKEN_SHAPES) {
    out = out.replace(shape, (match, name: unknown) =>
      typeof name === "string" ? `${name}=[redacted]` : `${match.slice(0, 4)}[redacted]`,
    );
  }
  return out;
}
