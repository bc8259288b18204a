/**
 * "Did you mean" suggestions for mistyped commands, flags and config-file keys.
 */

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const folded = (name: string) => name.toLowerCase().replaceAll(/[-_]/g, "");

/** The candidate closest to `name` (same letters in another case or separator, or at most 2 edits). */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const sameLetters = candidates.find((candidate) => folded(candidate) === folded(name));
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` (did you mean "port"?)`, or nothing. */
export function didYouMean(
  name: string,
  candidates: readonly string[],
  show = (s: string) => `"${s}"`,
): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? "" : ` (did you mean ${show(closest)}?)`;
}
