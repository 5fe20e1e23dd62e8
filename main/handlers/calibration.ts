// Calibration from a host's tool outputs (docs/calibration.md), shared by the contract's handlers
// and the CLI: main hashes each file (provenance), the core reads and maps it, the store keeps
// the profile. Applying a profile is pure (common/core/calibrate).
import { createHash } from 'node:crypto';
import {
  applyHostProfile,
  calibrate,
  validateScenario,
  type CalibrationFile,
  type HostProfile,
  type Scenario,
} from '../../common/core/index.ts';
import { hostProfileId } from '../store/profiles.ts';

export { hostProfileId };
import type { Store } from '../store/store.ts';

export interface CalibrationRequest {
  files: { name: string; text: string }[];
  name: string;
  ghz?: number | undefined;
  cpus?: number | undefined;
  /** The column of a comparison table to read (vmexit before/after tables). */
  column?: string | undefined;
}

export interface CalibrationOutcome {
  id: string;
  profile: HostProfile;
  /** False when this very profile was already in the database. */
  created: boolean | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Makes the profile (CalibrationError naming the file on bad input) and, given a store, saves it. */
export async function calibrateFiles(store: Store | null, request: CalibrationRequest): Promise<CalibrationOutcome> {
  const files: CalibrationFile[] = request.files.map((f) => ({ name: f.name, text: f.text, sha256: sha256(f.text) }));
  const profile = calibrate(files, {
    name: request.name,
    createdAt: new Date().toISOString(),
    ghz: request.ghz ?? null,
    cpus: request.cpus ?? null,
    ...(request.column === undefined ? {} : { column: request.column }),
  });
  if (store === null) return { id: hostProfileId(profile), profile, created: null };
  const saved = await store.saveHostProfile(profile);
  return { id: saved.id, profile, created: saved.created };
}

/** The scenario with a saved profile applied; the result is validated like any scenario. */
export async function applySavedProfile(store: Store, profileId: string, scenario: Scenario): Promise<Scenario> {
  const profile = await store.getHostProfile(profileId);
  const next = applyHostProfile(scenario, profile, profileId);
  const checked = validateScenario(next);
  if (!checked.ok)
    throw new Error(
      `applying ${profileId} gave an invalid scenario: ${checked.issues[0]!.path} ${checked.issues[0]!.message}`,
    );
  return checked.value;
}
