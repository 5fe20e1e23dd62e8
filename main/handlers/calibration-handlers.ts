// The contract's calibration calls (common/contract/calibration.ts), on main/handlers/calibration.ts.
import { CalibrationError } from '../../common/core/index.ts';
import type { CallName, CallOutput, ParsedInput } from '../../common/contract/index.ts';
import { StoreNotFoundError } from '../store/errors.ts';
import { getHostProfile, listHostProfiles } from '../store/profiles.ts';
import type { Store } from '../store/store.ts';
import { applySavedProfile, calibrateFiles } from './calibration.ts';
import { ApiError } from './index.ts';

type CalibrationCall = 'calibrateHost' | 'listHostProfiles' | 'getHostProfile' | 'applyHostProfile';
type Handlers = { [K in CalibrationCall & CallName]: (input: ParsedInput<K>) => Promise<CallOutput<K>> };

async function mapped<T>(body: () => Promise<T>, files: { name: string }[] = []): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CalibrationError) {
      // The message names the file; the issue points at it in the request.
      const index = files.findIndex((f) => err.message.startsWith(`${f.name}: `));
      throw new ApiError({
        code: 'invalid_input',
        message: err.message,
        issues: [{ path: index < 0 ? 'files' : `files.${index}.text`, message: err.message }],
      });
    }
    if (err instanceof StoreNotFoundError) throw new ApiError({ code: 'not_found', message: err.message });
    throw err;
  }
}

export function calibrationHandlers(store: Store): Handlers {
  return {
    calibrateHost: async (input) => mapped(() => calibrateFiles(store, input), input.files),
    listHostProfiles: async () => listHostProfiles(store),
    getHostProfile: async ({ id }) => mapped(() => getHostProfile(store, id)),
    applyHostProfile: async ({ profileId, scenario }) =>
      mapped(async () => ({ scenario: await applySavedProfile(store, profileId, scenario) })),
  };
}
