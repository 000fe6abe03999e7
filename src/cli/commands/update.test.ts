import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCommand } from "../flags.ts";
import { buildUpdateBody, UPDATE_FLAGS } from "./update.ts";

function body(argv: string[]): ReturnType<typeof buildUpdateBody> {
  const parsed = parseCommand({ path: "berth update", description: "", flags: UPDATE_FLAGS }, argv);
  assert.equal(parsed.kind, "ok");
  if (parsed.kind !== "ok") throw new Error("help");
  return buildUpdateBody(parsed.flags);
}

describe("berth update request", () => {
  it("builds swagger's ContainerUpdate as docker's UpdateConfig marshals it", () => {
    assert.deepEqual(
      body([
        "-m",
        "64m",
        "--memory-swap",
        "-1",
        "--memory-reservation",
        "32m",
        "--cpus",
        "1.5",
        "-c",
        "512",
        "--cpu-quota",
        "50000",
        "--cpu-period",
        "100000",
        "--cpuset-cpus",
        "0",
        "--cpuset-mems",
        "0",
        "--pids-limit",
        "100",
        "--restart",
        "on-failure:3",
      ]),
      {
        BlkioWeight: 0,
        CpusetCpus: "0",
        CpusetMems: "0",
        CpuShares: 512,
        Memory: 64 * 1024 * 1024,
        MemoryReservation: 32 * 1024 * 1024,
        MemorySwap: -1,
        CpuPeriod: 100000,
        CpuQuota: 50000,
        CpuRealtimePeriod: 0,
        CpuRealtimeRuntime: 0,
        NanoCpus: 1_500_000_000,
        PidsLimit: 100,
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
      },
    );
    assert.deepEqual(body(["--restart", "always"]).RestartPolicy, { Name: "always", MaximumRetryCount: 0 });
    assert.equal(body(["--restart", "always"]).PidsLimit, undefined);
  });
  it("refuses what docker refuses", () => {
    assert.throws(() => body([]), { message: "you must provide one or more flags when using this command" });
    assert.throws(() => body(["--restart", ":3"]), {
      message: "invalid restart policy format: no policy provided before colon",
    });
    assert.throws(() => body(["--restart", "always:x"]), {
      message: "invalid restart policy format: maximum retry count must be an integer",
    });
  });
});
