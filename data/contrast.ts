// Text colour over an index colour, chosen so that the pair meets WCAG 2.x AA for normal text
// (contrast ratio ≥ 4.5:1). Formulas: WCAG 2.2, "relative luminance" and "contrast ratio"
// (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance). Index palettes are official and cannot
// change, so the text adapts: black or white, whichever contrasts more (both schemes' palettes
// then reach AA, see tests/web-components/contrast.test.ts).

/** Parses `#rgb` or `#rrggbb` (case-insensitive) into 0..255 channels. */
export function parseHex(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new RangeError(`invalid colour "${hex}": expected #rgb or #rrggbb`);
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG relative luminance of an sRGB colour, 0 (black) .. 1 (white). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours, 1 .. 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever contrasts more with `background`. */
export function textColourFor(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}
