// The benchmark suites `npm run bench` runs, in order. Each issue adds its suite here.
import type { BenchSuite } from './bench-types.js';
import { apiSuite } from './api.js';
import { exportsSuite } from './exports.js';
import { ingestSuite } from './ingest.js';
import { postgresSuite } from './postgres.js';
import { qualitySuite } from './quality.js';
import { storageSuite } from './storage.js';
import { widgetsSuite } from './widgets.js';

export const suites: BenchSuite[] = [
  storageSuite,
  ingestSuite,
  qualitySuite,
  apiSuite,
  exportsSuite,
  widgetsSuite,
  postgresSuite,
];
