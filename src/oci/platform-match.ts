// Choosing the manifest of an index that suits a platform. image-index.md: "If multiple manifests
// match a client or runtime's requirements, the first matching entry SHOULD be used." A platform
// also runs older variants of its own architecture (arm/v7 runs v6 and v5, amd64 runs 386), tried
// in that order after exact matches, as containerd's platforms.Only and docker's pull do.
import type { Descriptor } from "./descriptor.ts";
import { isIndex, isManifest } from "./media-types.ts";
import { normalizePlatform, type Platform } from "./platform.ts";

/** Whether `have` (an image's platform) is exactly `want`, comparing normal forms. */
export function platformEquals(want: Platform, have: Platform): boolean {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture || (w.variant ?? "") !== (h.variant ?? ""))
    return false;
  // The image's required OS features must all be offered (containerd's matcher).
  const offered = new Set(w["os.features"] ?? []);
  return (h["os.features"] ?? []).every((f) => offered.has(f));
}

/** The platforms `want` can run, best first (containerd compare.go platformVector). */
export function compatiblePlatforms(want: Platform): Platform[] {
  const p = normalizePlatform(want);
  const same = (architecture: string, variant: string): Platform => {
    const out: Platform = { ...p, architecture };
    if (variant) out.variant = variant;
    else delete out.variant;
    return out;
  };
  const out: Platform[] = [p];
  const version = (v: string | undefined): number => Number.parseInt((v ?? "").replace(/^v/, ""), 10);
  switch (p.architecture) {
    case "amd64": {
      for (let n = version(p.variant) - 1; n >= 1; n--) out.push(same("amd64", n === 1 ? "" : `v${n}`));
      out.push(same("386", ""));
      break;
    }
    case "arm": {
      for (let n = version(p.variant) - 1; n >= 5; n--) out.push(same("arm", `v${n}`));
      break;
    }
    case "arm64": {
      const [major = 8, minor = 0] = (p.variant ?? "v8").replace(/^v/, "").split(".").map(Number);
      if (major >= 8 && Number.isInteger(major) && Number.isInteger(minor)) {
        const down = (maj: number, from: number): void => {
          for (let m = from; m >= 0; m--) out.push(same("arm64", m === 0 ? `v${maj}` : `v${maj}.${m}`));
        };
        if (major === 9) {
          down(9, minor - 1);
          // v9.0 diverged from v8.5: v9.x runs v8.(x+5) and below.
          down(8, minor + 5);
        } else {
          down(major, minor - 1);
        }
      }
      // 64-bit ARM also runs 32-bit ARM code.
      out.push(...compatiblePlatforms(same("arm", "v8")));
      break;
    }
  }
  return out;
}

/** BuildKit's provenance/SBOM entries: `unknown/unknown`, annotated as attestation manifests. */
export function isAttestationManifest(desc: Descriptor): boolean {
  if (desc.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return true;
  return desc.platform?.os === "unknown" && desc.platform.architecture === "unknown";
}

/**
 * The entries of an index that can run on `want`, best first: exact platform before older
 * variants, index order within each, and entries without a platform last (docker pulls those
 * too). Attestations, artifacts and unknown media types are never chosen.
 */
export function selectManifests(manifests: readonly Descriptor[], want: Platform): Descriptor[] {
  const ranked = compatiblePlatforms(want);
  const scored: { desc: Descriptor; rank: number }[] = [];
  for (const desc of manifests) {
    if (!isManifest(desc.mediaType) && !isIndex(desc.mediaType)) continue;
    if (isAttestationManifest(desc) || desc.artifactType !== undefined) continue;
    if (desc.platform === undefined) {
      scored.push({ desc, rank: ranked.length });
      continue;
    }
    const have = desc.platform;
    const rank = ranked.findIndex((p) => platformEquals(p, have));
    if (rank !== -1) scored.push({ desc, rank });
  }
  // Array.prototype.sort is stable: equal ranks keep index order.
  return scored.sort((a, b) => a.rank - b.rank).map((s) => s.desc);
}

/** The best entry for `want`, or undefined when the index has nothing that runs there. */
export function selectManifest(manifests: readonly Descriptor[], want: Platform): Descriptor | undefined {
  return selectManifests(manifests, want)[0];
}
