// The error answer of a route, for its OpenAPI description: every error has the shape of
// ErrorSchema (data/api-schemas.ts), which api-error.ts builds.
import { ErrorSchema } from '../../data/api-schemas.js';

export const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorSchema } },
  description,
});
