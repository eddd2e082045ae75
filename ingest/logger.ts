// The worker's and broker's log is the shared one (data/logger.ts); re-exported so ingest code keeps
// importing it from here.
export * from '../data/logger.js';
