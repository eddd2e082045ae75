// Times in API responses: ISO 8601 in UTC, the form every route uses (data/iso.ts).
export { iso } from '../data/iso.js';
