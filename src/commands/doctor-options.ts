// `graphprof doctor` options: raw flag strings -> one readonly typed object. Light imports only:
// src/cli.ts reads DOCTOR_DEFAULTS for the help text.
import { nonNegativeInt } from './options.js';

/** Defaults as the user would type them; the help text shows these strings. */
export const DOCTOR_DEFAULTS = {
  device: '0',
} as const;

export interface RawDoctorOptions {
  device?: string;
  json?: boolean;
}

export interface DoctorOptions {
  /** the device `run` would use */
  readonly device: number;
  readonly json: boolean;
}

export function parseDoctorOptions(raw: RawDoctorOptions): DoctorOptions {
  return Object.freeze({
    device: nonNegativeInt('--device', raw.device ?? DOCTOR_DEFAULTS.device, 1024),
    json: raw.json === true,
  });
}
