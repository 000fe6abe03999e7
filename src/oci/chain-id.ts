// Layer ChainIDs, config.md "Layer ChainID":
//   ChainID(L₀) = DiffID(L₀)
//   ChainID(L₀|…|Lₙ) = Digest(ChainID(L₀|…|Lₙ₋₁) + " " + DiffID(Lₙ))
import { parseDigest, sha256Of, type Digest } from "./digest.ts";

/** The ChainID of every prefix of `diffIds`: result[i] identifies layers 0..i applied in order. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  let chain: Digest | undefined;
  for (const diffId of diffIds) {
    parseDigest(diffId);
    chain = chain === undefined ? diffId : sha256Of(`${chain} ${diffId}`);
    out.push(chain);
  }
  return out;
}

/** The ChainID of the whole stack, or undefined for an image without layers. */
export function chainId(diffIds: readonly Digest[]): Digest | undefined {
  return chainIds(diffIds).at(-1);
}
