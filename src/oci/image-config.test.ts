import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isEngineError } from "../lib/index.ts";
import { parseImageConfig } from "./image-config.ts";

const D1 = "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1";
const D2 = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

// Shaped like what `docker build` (classic builder) writes: nulls, container_config, extra fields.
const dockerConfig = {
  architecture: "amd64",
  config: {
    Hostname: "",
    Domainname: "",
    User: "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: { "80/tcp": {} },
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    Cmd: ["sh"],
    Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 30_000_000_000, Retries: 3 },
    ArgsEscaped: true,
    Image: "sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741",
    Volumes: null,
    WorkingDir: "",
    Entrypoint: null,
    OnBuild: null,
    Labels: { maintainer: "someone" },
    StopSignal: "SIGQUIT",
    StopTimeout: 5,
    Shell: ["/bin/bash", "-c"],
  },
  container: "9b6c5fbd2a8e6f6f3a6f4e1e1b1c8c2f1e0f3b8a9d7c6e5f4a3b2c1d0e9f8a7b",
  container_config: { Cmd: ["/bin/sh", "-c", "#(nop) ", 'CMD ["sh"]'], Labels: {} },
  created: "2023-07-18T23:19:33.655005962Z",
  docker_version: "20.10.23",
  author: "Someone <someone@example.com>",
  history: [
    { created: "2023-07-18T23:19:33.538571854Z", created_by: "/bin/sh -c #(nop) ADD file:abc in / " },
    {
      created: "2023-07-18T23:19:33.655005962Z",
      created_by: '/bin/sh -c #(nop)  CMD ["sh"]',
      empty_layer: true,
    },
  ],
  os: "linux",
  rootfs: { type: "layers", diff_ids: [D1] },
  "os.features": null,
  variant: null,
  some_future_field: { x: 1 },
};

function refuses(input: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseImageConfig(JSON.stringify(input)),
    (err: unknown) => isEngineError(err) && err.code === "INVALID_DOCUMENT" && pattern.test(err.message),
  );
}

describe("parseImageConfig", () => {
  it("reads a Docker image config with its extra fields", () => {
    const c = parseImageConfig(JSON.stringify(dockerConfig));
    assert.equal(c.architecture, "amd64");
    assert.equal(c.os, "linux");
    assert.equal(c.docker_version, "20.10.23");
    assert.equal(c.container, dockerConfig.container);
    assert.equal(c.author, "Someone <someone@example.com>");
    assert.deepEqual(c.rootfs, { type: "layers", diff_ids: [D1] });
    assert.deepEqual(c.config?.ExposedPorts, { "80/tcp": {} });
    assert.deepEqual(c.config?.Cmd, ["sh"]);
    assert.deepEqual(c.config?.Healthcheck, {
      Test: ["CMD-SHELL", "true"],
      Interval: 30_000_000_000,
      Retries: 3,
    });
    assert.equal(c.config?.ArgsEscaped, true);
    assert.equal(c.config?.StopTimeout, 5);
    assert.deepEqual(c.config?.Shell, ["/bin/bash", "-c"]);
    assert.equal(c.config?.StopSignal, "SIGQUIT");
    assert.deepEqual(c.container_config?.Cmd, ["/bin/sh", "-c", "#(nop) ", 'CMD ["sh"]']);
    assert.equal(c.history?.[1]?.empty_layer, true);
    // null is absent (config.md "Properties").
    assert.equal("Entrypoint" in (c.config ?? {}), false);
    assert.equal("Volumes" in (c.config ?? {}), false);
    assert.equal("variant" in c, false);
    assert.equal("some_future_field" in c, false);
  });

  it("reads the config.md example", () => {
    const c = parseImageConfig(
      JSON.stringify({
        created: "2015-10-31T22:22:56.015925234Z",
        architecture: "amd64",
        os: "linux",
        config: { User: "alice", Volumes: { "/var/job-result-data": {} }, WorkingDir: "/home/alice" },
        rootfs: { diff_ids: [D1, D2], type: "layers" },
        history: [{ created_by: "a" }, { created_by: "b", empty_layer: true }, { created_by: "c" }],
      }),
    );
    assert.deepEqual(c.config?.Volumes, { "/var/job-result-data": {} });
    assert.equal(c.history?.length, 3);
  });

  it("accepts an image without layers (docker omits empty diff_ids)", () => {
    const c = parseImageConfig('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}');
    assert.deepEqual(c.rootfs.diff_ids, []);
  });

  const bad: [string, unknown, RegExp][] = [
    ["no rootfs", { architecture: "amd64", os: "linux" }, /rootfs: expected an object/],
    [
      "another rootfs type",
      { ...dockerConfig, rootfs: { type: "layers+base", diff_ids: [] } },
      /rootfs\.type: expected "layers"/,
    ],
    [
      "a bad diff id",
      { ...dockerConfig, rootfs: { type: "layers", diff_ids: ["sha256:xyz"] } },
      /rootfs\.diff_ids\[0\]: invalid digest/,
    ],
    ["no architecture", { ...dockerConfig, architecture: undefined }, /architecture: expected a string/],
    [
      "os not a string",
      { ...dockerConfig, os: 1 },
      /^invalid image config: os: expected a string, got the number 1$/,
    ],
    ["Env not strings", { ...dockerConfig, config: { Env: [1] } }, /config\.Env\[0\]: expected a string/],
    ["Cmd a string", { ...dockerConfig, config: { Cmd: "sh" } }, /config\.Cmd: expected an array/],
    ["bad Labels", { ...dockerConfig, config: { Labels: { a: true } } }, /config\.Labels\["a"\]/],
    [
      "bad ExposedPorts",
      { ...dockerConfig, config: { ExposedPorts: { "80/tcp": 1 } } },
      /config\.ExposedPorts\["80\/tcp"\]: expected \{\}/,
    ],
    [
      "fractional Retries",
      { ...dockerConfig, config: { Healthcheck: { Retries: 1.5 } } },
      /config\.Healthcheck\.Retries: expected an integer/,
    ],
    [
      "bad empty_layer",
      { ...dockerConfig, history: [{ empty_layer: "yes" }] },
      /history\[0\]\.empty_layer: expected a boolean/,
    ],
    [
      "more history layers than diff_ids",
      { ...dockerConfig, history: [{ created_by: "a" }, { created_by: "b" }] },
      /too many non-empty layers in History section/,
    ],
  ];
  for (const [name, input, pattern] of bad) {
    it(`refuses ${name}`, () => refuses(input, pattern));
  }

  it("refuses a config above the size cap", () => {
    assert.throws(
      () => parseImageConfig(JSON.stringify(dockerConfig), { maxBytes: 100 }),
      /more than the 100 allowed/,
    );
  });
});
