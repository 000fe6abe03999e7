import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DEFAULT_OPTIONS, loadDaemonOptions, parseDaemonArgs } from "./daemon-options.ts";

describe("daemon options", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-options-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("parses flags in both spellings", () => {
    assert.deepEqual(
      parseDaemonArgs(["--root", "/r", "--exec-root=/e", "-H", "unix:///s.sock", "-l", "debug"]),
      {
        root: "/r",
        execRoot: "/e",
        host: "unix:///s.sock",
        logLevel: "debug",
      },
    );
  });

  it("refuses unknown flags, missing values, bad levels and non-unix hosts", () => {
    assert.throws(() => parseDaemonArgs(["--nope"]), /unknown flag: --nope/);
    assert.throws(() => parseDaemonArgs(["--root"]), /flag needs an argument: --root/);
    assert.throws(() => parseDaemonArgs(["--log-level", "loud"]), /invalid log level: loud/);
    assert.throws(() => parseDaemonArgs(["--host", "tcp://0.0.0.0:2375"]), /only unix:\/\/ sockets/);
  });

  it("reads daemon.json with dockerd's keys; flags win", () => {
    const file = join(dir, "daemon.json");
    writeFileSync(
      file,
      JSON.stringify({ "data-root": "/from-file", "log-level": "warn", bip: "10.1.0.1/24" }),
    );
    const options = loadDaemonOptions(["--config-file", file, "--log-level", "error"]);
    assert.equal(options.root, "/from-file");
    assert.equal(options.logLevel, "error");
    assert.equal(options.execRoot, DEFAULT_OPTIONS.execRoot);
  });

  it("fails clearly on a bad config file, and on a missing one only when named", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{");
    assert.throws(() => loadDaemonOptions(["--config-file", bad]), /invalid JSON in/);
    assert.throws(
      () => loadDaemonOptions(["--config-file", join(dir, "missing.json")]),
      /cannot read config file/,
    );
  });
});
