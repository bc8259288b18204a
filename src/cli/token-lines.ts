/** Reads refresh tokens given one per line (stdin or a file): blank lines and `#` comments are skipped. */

export interface TokenLine {
  readonly line: number;
  readonly token: string;
}

export function parseTokenLines(text: string): TokenLine[] {
  return text.split(/\r?\n/).flatMap((raw, index) => {
    const token = raw.trim();
    return token === "" || token.startsWith("#") ? [] : [{ line: index + 1, token }];
  });
}
