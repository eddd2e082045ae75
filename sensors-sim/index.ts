// The simulator area's door. The simulator is a fleet of citizen sensors around Marseille that
// publish to the platform as real ones do: native and AirGradient devices over MQTT, each as
// itself, Sensor.Community kits over HTTP, with plausible signals (weather, traffic, sensor
// quirks) and faults to inject (docs/simulator.md). It offers
//   - one run as `souffle sim` drives it (runSimulation) and its summary;
//   - the fleet (buildFleet), faults, publishing intervals;
//   - the parts a run is made of, for tests and benchmarks: registration through the admin API,
//     the kept device tokens, the backfill of history, the live simulator and the load mode;
//   - a stand-in for AtmoSud's open-data API with the metropolis's stations, for `souffle demo`.
export { runSimulation, type SimulationOptions } from './run-simulation.js';
export { describeSummary, mergeFaultCounts, type SimSummary } from './summary.js';
export {
  buildFleet,
  DEFAULT_FLEET,
  FLEET_FORMATS,
  type FleetFormat,
  type FleetOptions,
  type SimDevice,
} from './fleet.js';
export {
  DEFAULT_FAULT_RATE,
  FAULT_KINDS,
  FaultInjector,
  FAULTS,
  parseFaults,
  type FaultCounts,
  type FaultKind,
} from './faults.js';
export { intervals, REAL_INTERVALS, type Intervals } from './schedule.js';
export { registerFleet, renewCredentials, type Registration } from './register-fleet.js';
export { CredentialStore, DEFAULT_CREDENTIALS_FILE } from './credential-store.js';
export { ingestReceived, type AdminApi, type DeviceCredentials } from './platform-api.js';
export { DEFAULT_BACKFILL, runBackfill, type BackfillOptions, type BackfillResult } from './backfill.js';
export { FleetSimulator, type LiveSummary, type SimulatorOptions } from './simulator.js';
export { DEFAULT_LOAD, runLoad, type LoadOptions, type LoadResult } from './load.js';
export { createAtmosudStandin } from './atmosud/standin.js';
export { metropolisDataset, type AtmosudDataset } from './atmosud/metropolis.js';
