import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { componentVersion, parseVersionOutput, runtimeComponents } from "./component-versions.ts";

describe("parseVersionOutput", () => {
  it("reads the formats of runc, conmon, tini and catatonit", () => {
    const runc = "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\ngo: go1.19.8\n";
    assert.deepEqual(parseVersionOutput(runc), { version: "1.1.5+ds1", commit: "1.1.5+ds1-1+deb12u1" });
    assert.deepEqual(parseVersionOutput("conmon version 2.1.6\ncommit: unknown\n"), {
      version: "2.1.6",
      commit: "",
    });
    assert.deepEqual(parseVersionOutput("tini version 0.19.0 - git.de40ad0\n"), {
      version: "0.19.0",
      commit: "de40ad0",
    });
    assert.deepEqual(parseVersionOutput("catatonit v0.1.7\n"), { version: "0.1.7", commit: "" });
    assert.deepEqual(parseVersionOutput("usage: frob [options]\n"), { version: "", commit: "" });
  });
});

describe("componentVersion", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-component-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // A fake binary that counts how often it is asked.
  const fake = (name: string, version: string): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `#!/bin/sh\necho x >>${path}.calls\necho "${name} version ${version}"\necho "commit: c${version}"\n`,
    );
    chmodSync(path, 0o755);
    return path;
  };
  const calls = (path: string): number => readFileSync(`${path}.calls`, "utf8").split("\n").length - 1;

  it("asks once, and again only after the file changed", async () => {
    const path = fake("frobc", "1.0");
    const first = await componentVersion(path);
    assert.deepEqual(first, { name: "frobc", path, version: "1.0", commit: "c1.0" });
    assert.deepEqual(await componentVersion(path), first);
    assert.equal(calls(path), 1);
    fake("frobc", "1.10"); // an upgrade in place: new size and mtime
    assert.equal((await componentVersion(path))?.version, "1.10");
    assert.equal(calls(path), 2);
  });

  it("leaves out what is missing or does not answer", async () => {
    const silent = join(dir, "silent");
    writeFileSync(silent, "#!/bin/sh\nexit 1\n");
    chmodSync(silent, 0o755);
    const parts = await runtimeComponents({
      monitor: join(dir, "absent"),
      runtime: fake("runx", "2.0"),
      init: silent,
    });
    assert.equal(parts.monitor, undefined);
    assert.equal(parts.runtime?.name, "runx");
    assert.equal(parts.init, undefined);
    assert.equal(await componentVersion(undefined), undefined);
  });
});
