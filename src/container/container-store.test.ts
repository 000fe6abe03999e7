import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openMetadataDb } from "../metadata/index.ts";
import { normalizeCapabilities } from "./capabilities.ts";
import { normalizeContainerName, randomContainerName } from "./container-name.ts";
import { initialState, statusText, ZERO_TIME } from "./container-state.ts";
import { type ContainerRecord, ContainerStore } from "./container-store.ts";
import { validateMemory, validateRestartPolicy } from "./host-limits.ts";

const dir = mkdtempSync(join(tmpdir(), "berth-container-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, name: string): ContainerRecord<{ Image: string }, { NetworkMode: string }> {
  return {
    id,
    name,
    imageId: `sha256:${"e".repeat(64)}`,
    imageName: "busybox",
    created: new Date().toISOString(),
    config: { Image: "busybox" },
    hostConfig: { NetworkMode: "none" },
    state: initialState(),
    labels: { a: "b" },
    restartCount: 0,
  };
}

describe("ContainerStore", () => {
  const db = openMetadataDb(join(dir, "meta.db"));
  after(() => db.close());
  const store = new ContainerStore<{ Image: string }, { NetworkMode: string }>(db);
  const a = "ab" + "0".repeat(62);
  const b = "ac" + "1".repeat(62);

  it("stores and reads back Docker's documents", () => {
    const one = record(a, "/one");
    assert.equal(store.insert(one), "ok");
    assert.deepEqual(store.get(a), one);
    assert.equal(store.get(a)?.state.FinishedAt, ZERO_TIME);
  });

  it("reserves names: a second insert of a name is Docker's conflict", () => {
    assert.throws(
      () => store.insert(record(b, "/one")),
      new RegExp(`^EngineError: Conflict\\. The container name "/one" is already in use by container "${a}"`),
    );
    assert.equal(store.insert(record(a, "/other")), "duplicate-id");
    assert.equal(store.insert(record(b, "/two")), "ok");
  });

  it("resolves by ID, name, and unique prefix", () => {
    assert.equal(store.resolve(a).id, a);
    assert.equal(store.resolve("one").id, a);
    assert.equal(store.resolve("/two").id, b);
    assert.equal(store.resolve("ab").id, a);
    assert.throws(() => store.resolve("a"), /^EngineError: Multiple IDs found with provided prefix: a$/);
    assert.throws(() => store.resolve("nope"), /^EngineError: No such container: nope$/);
    assert.throws(() => store.resolve(""), /No such container/);
  });

  it("renames with the same conflict rule, and deletes", () => {
    assert.throws(() => store.rename(b, "/one"), /already in use by container/);
    store.rename(b, "/three");
    assert.equal(store.resolve("three").id, b);
    assert.deepEqual(
      store.list().map((c) => c.id),
      [b, a],
      "newest first",
    );
    assert.ok(store.delete(b));
    assert.equal(store.count(), 1);
  });

  it("list() parses a document again only when its stored text changed", () => {
    const c = "ad" + "2".repeat(62);
    assert.equal(store.insert(record(c, "/four")), "ok");
    const first = store.list().find((x) => x.id === c);
    assert.ok(first);
    const again = store.list().find((x) => x.id === c);
    assert.ok(again);
    assert.equal(again.config, first.config, "unchanged Config: the same parsed object");
    assert.equal(again.hostConfig, first.hostConfig);

    store.setState(c, { ...first.state, Status: "running", Running: true, Pid: 42 });
    store.setHostConfig(c, { NetworkMode: "host" });
    store.rename(c, "/five");
    const changed = store.list().find((x) => x.id === c);
    assert.ok(changed);
    assert.equal(changed.name, "/five");
    assert.equal(changed.state.Status, "running");
    assert.equal(changed.state.Pid, 42);
    assert.deepEqual(changed.hostConfig, { NetworkMode: "host" });
    assert.equal(changed.config, first.config, "Config untouched");
    assert.equal(first.state.Status, "created", "records already handed out do not change");

    assert.ok(store.delete(c));
    assert.equal(
      store.list().find((x) => x.id === c),
      undefined,
    );
  });
});

describe("container model rules", () => {
  it("validates names like moby", () => {
    assert.equal(normalizeContainerName("web"), "/web");
    assert.equal(normalizeContainerName("/a.b-c_d"), "/a.b-c_d");
    for (const bad of ["x", "-x", "a b", "a/b", ""]) {
      assert.throws(
        () => normalizeContainerName(bad),
        new RegExp(`Invalid container name \\(${bad}\\), only \\[a-zA-Z0-9\\]`),
      );
    }
    assert.match(randomContainerName(), /^[a-z]+_[a-z]+$/);
    assert.match(randomContainerName(3), /^[a-z]+_[a-z]+\d$/);
  });

  it("formats the ps status", () => {
    const s = initialState();
    assert.equal(statusText(s), "Created");
    const now = Date.parse("2024-01-01T00:00:10Z");
    const exited = {
      ...s,
      Status: "exited" as const,
      StartedAt: "2024-01-01T00:00:00Z",
      FinishedAt: "2024-01-01T00:00:05Z",
      ExitCode: 3,
    };
    assert.equal(statusText(exited, now), "Exited (3) 5 seconds ago");
    const running = { ...s, Status: "running" as const, Running: true, StartedAt: "2024-01-01T00:00:00Z" };
    assert.equal(statusText(running, now), "Up 10 seconds");
  });

  it("checks limits and policies with Docker's messages", () => {
    assert.throws(
      () => validateMemory({ memory: 4 << 20, memorySwap: 0, memoryReservation: 0 }),
      /^EngineError: Minimum memory limit allowed is 6MB$/,
    );
    validateMemory({ memory: 6 << 20, memorySwap: 0, memoryReservation: 0 });
    assert.throws(
      () => validateRestartPolicy("sometimes", 0),
      /^EngineError: invalid restart policy: unknown policy 'sometimes'/,
    );
    assert.throws(() => validateRestartPolicy("always", 1), /only be used with 'on-failure'/);
    validateRestartPolicy("on-failure", 5);
    assert.deepEqual(normalizeCapabilities("CapAdd", ["net_admin", "CAP_SYS_TIME", "all"]), [
      "CAP_NET_ADMIN",
      "CAP_SYS_TIME",
      "ALL",
    ]);
    assert.throws(
      () => normalizeCapabilities("CapDrop", ["fly"]),
      /invalid CapDrop: unknown capability: "CAP_FLY"/,
    );
  });
});
