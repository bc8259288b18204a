/** Config files that attack their reader, for the config tests. */

/**
 * A "billion laughs" under the one key (`api-keys`, line 1): nine levels of nine YAML aliases,
 * 9⁹ strings once expanded.
 */
export function aliasBomb(): string {
  const lines = ["api-keys:", '  - &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 8; level++) {
    lines.push(
      `  - &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(",")}]`,
    );
  }
  return `${lines.join("\n")}\n`;
}
