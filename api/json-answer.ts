// A route's JSON answer, checked by the compiler against its response schema (data/api-schemas.ts,
// or the route's own): the data must be the schema's output type, and a property the schema lacks,
// at any depth (in a variable or an object built by a .map too), fails tsc. OpenAPIHono then checks
// the typed answer against the schema the route declares for that status. Routes answer through
// this or cachedJson (http-cache.ts), never through a bare c.json (eslint.config.js).
import type { z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';

export type JsonAnswer<Schema extends z.ZodType, Status extends ContentfulStatusCode> = Response &
  TypedResponse<JSONParsed<z.output<Schema>>, Status, 'json'>;

/** `T` with each property that `Shape` lacks, at any depth, typed `never`, so that tsc names it. */
export type Exact<T, Shape> = unknown extends Shape
  ? T
  : T extends readonly (infer Item)[]
    ? Extract<Shape, readonly unknown[]> extends readonly (infer ShapeItem)[]
      ? Exact<Item, ShapeItem>[]
      : T
    : T extends object
      ? {
          [K in keyof T]: K extends keyof Extract<Shape, object>
            ? Exact<T[K], Extract<Shape, object>[K]>
            : never;
        }
      : T;

/**
 * The type a route's data `T` must have to answer with `Schema`: the schema's output, and no more.
 * NoInfer: `T` is inferred from the data alone, then checked.
 */
export type Answerable<T, Schema extends z.ZodType> = T &
  NoInfer<z.output<Schema> & Exact<T, z.output<Schema>>>;

export function jsonAnswer<Schema extends z.ZodType, Status extends ContentfulStatusCode, T>(
  c: Context,
  _schema: Schema,
  data: Answerable<T, Schema>,
  status: Status,
): JsonAnswer<Schema, Status> {
  return c.json(data as object, status) as unknown as JsonAnswer<Schema, Status>;
}

/**
 * The JSON text of `data`, checked by the compiler like a route's answer: for an answer written a
 * piece at a time (api/series-body.ts), each piece checked against the schema of its part.
 */
export function checkedJson<Schema extends z.ZodType, T>(
  _schema: Schema,
  data: Answerable<T, Schema>,
): string {
  return JSON.stringify(data);
}
