// API version constants: the one place that says what berth speaks.
// Engine API swagger.yaml: clients prefix paths with /v<major>.<minor>; unversioned paths get ours.

/** The Engine API version berth implements and advertises. */
export const API_VERSION = "1.47";
/** The oldest version prefix accepted (moby's MinAPIVersion). */
export const MIN_API_VERSION = "1.24";

/** Compares two "major.minor" versions numerically: negative, zero or positive. */
export function compareApiVersions(a: string, b: string): number {
  const [amaj = 0, amin = 0] = a.split(".").map(Number);
  const [bmaj = 0, bmin = 0] = b.split(".").map(Number);
  return amaj !== bmaj ? amaj - bmaj : amin - bmin;
}
