import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { chainId, chainIds } from "./chain-id.ts";

const A = "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1";
const B = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";
const C = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const digest = (s: string): string => "sha256:" + createHash("sha256").update(s).digest("hex");

describe("chainIds (config.md Layer ChainID)", () => {
  it("is the DiffID for the base layer", () => {
    assert.deepEqual(chainIds([A]), [A]);
    assert.equal(chainId([A]), A);
  });
  it("hashes the parent chain, a space and the DiffID", () => {
    const ab = digest(`${A} ${B}`);
    const abc = digest(`${ab} ${C}`);
    assert.deepEqual(chainIds([A, B, C]), [A, ab, abc]);
    assert.equal(chainId([A, B, C]), abc);
  });
  it("depends on order", () => {
    assert.notEqual(chainId([A, B]), chainId([B, A]));
    assert.notEqual(chainId([A, B, C]), C);
  });
  it("has nothing for no layers, and refuses a bad DiffID", () => {
    assert.equal(chainId([]), undefined);
    assert.throws(() => chainIds([A, "sha256:nope"]), /invalid digest/);
  });
});
