// Nearest-match suggestions for a mistyped name (a metric key, a parameter path), so an error can
// say "did you mean ...?" instead of listing everything. Case is ignored throughout.

/** Edit distance (insertions, deletions, substitutions) between a and b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` candidates closest to `input`, best first: an exact match ignoring case, then
 * candidates containing the input (or its last dotted segment), then those within an edit
 * distance of a third of the input's length (at least 2). [] when nothing is close.
 */
export function nearestMatches(input: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = input.toLowerCase();
  const tail = wanted.split('.').pop() ?? wanted;
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    let score: number;
    if (c === wanted) score = 0;
    else if (wanted.length >= 3 && c.includes(wanted)) score = 1;
    else if (tail.length >= 3 && c.split('.').some((segment) => segment === tail)) score = 2;
    else {
      const distance = Math.min(editDistance(wanted, c), editDistance(tail, c.split('.').pop() ?? c) + 1);
      if (distance > Math.max(2, Math.floor(wanted.length / 3))) continue;
      score = 2 + distance;
    }
    scored.push({ candidate, score });
  }
  return scored
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** 'a', 'a or b', 'a, b or c': choices as a message lists them. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

/** '; did you mean a, b or c?' for an error message, or '' when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = nearestMatches(input, candidates);
  return near.length === 0 ? '' : `; did you mean ${orList(near)}?`;
}
