// Calibration from a real host's tool outputs (docs/calibration.md): parsers, mapping rules and
// the host profile. Pure and browser-safe; main hashes the files and stores the profiles.
export * from './types.ts';
export { readHostFacts } from './facts.ts';
export { parseVmexit, mapVmexit, VMEXIT_TESTS, type VmexitRun } from './vmexit.ts';
export { parseDemandPaging, mapDemandPaging, type DemandPagingRun } from './demand-paging.ts';
export { parseHistograms, histogramStats, mapHistograms, type Histogram, type Bucket } from './histogram.ts';
export { mapPerfKvmStat } from './perf.ts';
export {
  applyHostProfile,
  calibrate,
  detectKind,
  fitShootdown,
  HOST_PROFILE_FORMAT,
  profileExtrapolations,
  readCalibrationFile,
  type CalibrateOptions,
  type HostProfile,
  type HostProfileSource,
  type ProfileCost,
  type ProfileCurve,
} from './profile.ts';
export { hostProfileSchema, validateHostProfile } from './schema.ts';
