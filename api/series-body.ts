// The body of a series answer (JSON or CSV), encoded a chunk of points at a time. Between the
// chunks of a large raw read (api/raw-series-chunks.ts) only the encoded text stays alive, not
// 100 000 point objects: with several large reads interleaved, keeping the objects made the
// garbage collector copy them again and again (eight concurrent 100 000-point reads spent 1.9 s
// in young-generation collections), which cost more than the interleaving won.
import { SeriesSchema } from '../data/api-schemas.js';
import { flagNames } from '../data/flags.js';
import type { Point, Step } from '../data/store/read-series.js';
import { csvLine, csvNumber, csvText } from './export/csv.js';
import { iso } from './iso.js';
import { checkedJson, type Answerable } from './json-answer.js';

const PointsSchema = SeriesSchema.shape.points;
/** Every member of the answer but the points and the cursor, which follow them in this order. */
const HeadSchema = SeriesSchema.omit({ points: true, next: true });

/** A point as the API shows it: raw points carry their flags' names, rollup points no flags. */
function shownPoint(p: Point, step: Step) {
  return step === 'raw'
    ? { t: p.t, value: p.value, min: p.min, max: p.max, n: p.n, flags: flagNames(p.flags ?? 0) }
    : { t: p.t, value: p.value, min: p.min, max: p.max, n: p.n };
}

export type SeriesBody = {
  /** Encodes a chunk of points (oldest first) and keeps the text. */
  add: (points: readonly Point[]) => void;
  /** Points added so far. */
  count: () => number;
  /** The time of the last point added. */
  lastTime: () => number | undefined;
};

function pieces(step: Step, encode: (shown: ReturnType<typeof shownPoint>[]) => string) {
  const parts: string[] = [];
  let count = 0;
  let last: number | undefined;
  const body: SeriesBody = {
    add(points) {
      if (points.length === 0) return;
      parts.push(encode(points.map((p) => shownPoint(p, step))));
      count += points.length;
      last = points[points.length - 1]!.t;
    },
    count: () => count,
    lastTime: () => last,
  };
  return { body, parts };
}

/** A JSON answer `{station, …, to, points: […], next}`, the same text JSON.stringify gives. */
export function seriesJsonBody(step: Step) {
  // Each chunk as the members of an array, without its brackets, joined with commas at the end.
  const { body, parts } = pieces(step, (shown) => checkedJson(PointsSchema, shown).slice(1, -1));
  return {
    ...body,
    text<T>(head: Answerable<T, typeof HeadSchema>, next: string | null): string {
      const members = checkedJson(HeadSchema, head).slice(0, -1);
      return `${members},"points":[${parts.join(',')}],"next":${JSON.stringify(next)}}`;
    },
  };
}

/** A CSV answer: a header line, then `time,value,min,max,n,flags` per point. */
export function seriesCsvBody(step: Step) {
  const { body, parts } = pieces(step, (shown) =>
    shown
      .map((p) =>
        csvLine([
          iso(p.t),
          csvNumber(p.value),
          csvNumber(p.min),
          csvNumber(p.max),
          String(p.n),
          csvText(p.flags?.join('|')),
        ]),
      )
      .join(''),
  );
  return {
    ...body,
    text: (): string => csvLine(['time', 'value', 'min', 'max', 'n', 'flags']) + parts.join(''),
  };
}
