// Names and driver options as moby's local volume driver checks them (volume/local), so the
// docker CLI shows the same errors for the same input.
import { randomBytes } from "node:crypto";
import { invalidVolumeName, invalidVolumeOption, volumePluginNotFound } from "../lib/index.ts";

/** The only driver berth has; Docker looks any other name up as a plugin. */
export const LOCAL_DRIVER = "local";

const NAME_CHARS = "[a-zA-Z0-9][a-zA-Z0-9_.-]";
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

// moby's local driver knows type, o, device (mount(8) arguments) and size (needs xfs quota,
// which berth does not do, so it is refused like any unknown key).
const LOCAL_OPTIONS = new Set(["type", "o", "device"]);

export function validateVolumeName(name: string): void {
  if (name.length === 1) {
    throw invalidVolumeName("volume name is too short, names should be at least two alphanumeric characters");
  }
  if (!NAME_RE.test(name)) {
    throw invalidVolumeName(
      `${JSON.stringify(name)} includes invalid characters for a local volume name, only ` +
        `${JSON.stringify(NAME_CHARS)} are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

export function validateDriver(driver: string): void {
  if (driver !== LOCAL_DRIVER) throw volumePluginNotFound(driver);
}

/** Checks the local driver's options; a mount needs both a type and a device. */
export function validateLocalOptions(options: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(options)) {
    if (!LOCAL_OPTIONS.has(key)) throw invalidVolumeOption(`invalid option key: ${JSON.stringify(key)}`);
  }
  if (Object.keys(options).length === 0) return;
  if (!options.type) throw invalidVolumeOption('missing required option: "type"');
  if (!options.device) throw invalidVolumeOption('missing required option: "device"');
}

/** Anonymous volumes get a random 64-hex name, as Docker's stringid.GenerateRandomID. */
export function generateVolumeName(): string {
  return randomBytes(32).toString("hex");
}
