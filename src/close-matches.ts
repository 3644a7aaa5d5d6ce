/** A name that may be suggested, with the spellings it is compared under. */
export interface Candidate {
  /** The name a suggestion shows. */
  readonly name: string;
  /** What the typed name is compared with (by default, the name itself). */
  readonly spellings?: readonly string[];
}

/**
 * Up to three candidate names within a small edit distance of `wanted`
 * (at most a third of its length, and at least 2), closest first, ignoring
 * case. A spelling that contains the typed name, or is contained in it,
 * counts as a match too, ranked after every close spelling. Used for
 * "did you mean" on types, commands and options alike.
 */
export function closeMatches(wanted: string, candidates: readonly Candidate[]): string[] {
  const lower = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const candidate of candidates) {
    let best = Infinity;
    for (const spelling of candidate.spellings ?? [candidate.name]) {
      const c = spelling.toLowerCase();
      const contained = c.includes(lower) || lower.includes(c);
      best = Math.min(best, editDistance(lower, c), contained ? limit : Infinity);
    }
    if (best <= limit) scored.push({ name: candidate.name, distance: best });
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return [...new Set(scored.map((s) => s.name))].slice(0, 3);
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
