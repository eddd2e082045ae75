// "Did you mean …?" for a mistyped command or option: the closest known name by edit distance
// (insertions, deletions, substitutions, and swapped neighbours: "strat" → "start").

/** Optimal string alignment distance between two words. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** The known name closest to `word`, if close enough to be a typo (or a prefix of it); else undefined. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = name.startsWith(w) && w.length >= 2 ? 0.5 : editDistance(w, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  const limit = Math.max(1, Math.floor(w.length / 3));
  return best && best.distance <= limit ? best.name : undefined;
}

/** ` Did you mean "start"?` or an empty string. */
export function didYouMean(word: string, known: readonly string[], prefix = ''): string {
  const name = closest(word, known);
  return name === undefined ? '' : ` Did you mean "${prefix}${name}"?`;
}
