import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyChanges } from "./import-changes.ts";

describe("import --change", () => {
  it("applies each allowed instruction the way Docker does", () => {
    const config = applyChanges({ Env: ["PATH=/bin"] }, [
      'CMD ["sh", "-c", "echo hi"]',
      "ENTRYPOINT /init --fast",
      "ENV A=1 B='two words'",
      "ENV PATH /usr/bin:/bin",
      'LABEL org.example.a="x y" b=2',
      "EXPOSE 80 53/udp",
      "VOLUME /data",
      "WORKDIR /srv",
      "USER nobody",
      "STOPSIGNAL SIGINT",
      "ONBUILD RUN true",
    ]);
    assert.deepEqual(config.Cmd, ["sh", "-c", "echo hi"]);
    assert.deepEqual(config.Entrypoint, ["/bin/sh", "-c", "/init --fast"]);
    assert.deepEqual(config.Env, ["PATH=/usr/bin:/bin", "A=1", "B=two words"]);
    assert.deepEqual(config.Labels, { "org.example.a": "x y", b: "2" });
    assert.deepEqual(config.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
    assert.deepEqual(config.Volumes, { "/data": {} });
    assert.equal(config.WorkingDir, "/srv");
    assert.equal(config.User, "nobody");
    assert.equal(config.StopSignal, "SIGINT");
    assert.deepEqual(config.OnBuild, ["RUN true"]);
  });

  it("refuses instructions that cannot change a config", () => {
    assert.throws(() => applyChanges({}, ["RUN rm -rf /"]), /RUN is not a valid change command/);
    assert.throws(() => applyChanges({}, ["ENV"]), /ENV requires at least one argument/);
    assert.throws(() => applyChanges({}, ["LABEL 'unterminated"]), /unmatched quote/);
  });
});
