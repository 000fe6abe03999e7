import assert from "node:assert/strict";
import { test } from "node:test";
import { stringifyList } from "../api/server/index.ts";
import { ContainerListEntry } from "./container-list-entry.ts";

const head = () => ({
  Id: "a".repeat(64),
  Names: ["/web"],
  Image: "busybox",
  ImageID: `sha256:${"b".repeat(64)}`,
  Command: "sleep 'a b'",
  Created: 1700000000,
  Ports: [{ IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" }],
  Labels: { "com.example": 'quote " and \\ slash' },
  State: "running" as const,
});
const tail = () => ({
  HostConfig: { NetworkMode: "bridge" },
  NetworkSettings: { Networks: { bridge: { IPAddress: "10.0.0.2", Aliases: null } } },
  Mounts: [],
});

test("a row's recorded JSON is JSON.stringify's, in ContainerSummary's key order", () => {
  const entry = new ContainerListEntry(head(), tail());
  for (const status of ["Up 2 seconds", 'Up 1 minute (health: "starting")', "", "Exited (0) 1 second ago"]) {
    const row = entry.row(status);
    assert.equal(stringifyList([row]), JSON.stringify([row]));
    assert.deepEqual(Object.keys(row), [
      ...Object.keys(head()).slice(0, 9),
      "Status",
      "HostConfig",
      "NetworkSettings",
      "Mounts",
    ]);
    assert.equal(row.Status, status);
  }
});

test("the same Status gives the same row; another Status a new one; rows are frozen", () => {
  const entry = new ContainerListEntry(head(), tail());
  const a = entry.row("Up 1 second");
  assert.equal(entry.row("Up 1 second"), a);
  const b = entry.row("Up 2 seconds");
  assert.notEqual(b, a);
  assert.equal(b.Id, a.Id);
  assert.throws(() => {
    (b as { Status: string }).Status = "x";
  }, TypeError);
  assert.throws(() => {
    b.Labels.x = "y";
  }, TypeError);
});
