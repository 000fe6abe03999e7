import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import { describe, it } from "node:test";
import { createSwaggerValidator, validateDefinition, validateResponse } from "./swagger-validator.ts";

const IMAGE_SUMMARY = {
  Id: "sha256:ec3f0931a6e6b6855d76b2d7b0be30e81860baccd891b2e243280bf1cd8ad710",
  ParentId: "",
  RepoTags: ["busybox:latest"],
  RepoDigests: [],
  Created: 1704067200,
  Size: 4261574,
  SharedSize: -1,
  Labels: {},
  Containers: -1,
};

const SYSTEM_VERSION = {
  Platform: { Name: "berth" },
  Version: "0.1.0",
  ApiVersion: "1.44",
  MinAPIVersion: "1.24",
  Os: "linux",
  Arch: "amd64",
  KernelVersion: "6.1.0",
  BuildTime: "2024-01-01T00:00:00.123456789Z",
};

// Assertion errors must name where the value went wrong.
function assertRejected(fn: () => void, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AssertionError, `expected AssertionError, got ${String(err)}`);
    for (const fragment of fragments) assert.match(err.message, new RegExp(escape(fragment)));
    return true;
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("validateDefinition", () => {
  it("accepts a valid ImageSummary and rejects broken ones with instance paths", () => {
    validateDefinition("ImageSummary", IMAGE_SUMMARY);
    assertRejected(
      () => validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, Size: "big" }),
      "/Size",
      "integer",
    );
    const { Containers: _dropped, ...missing } = IMAGE_SUMMARY;
    assertRejected(() => validateDefinition("ImageSummary", missing), "Containers");
    assertRejected(
      () => validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, RepoTags: [1] }),
      "/RepoTags/0",
    );
  });

  it("honours x-nullable: null only where the swagger allows it", () => {
    validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, Descriptor: null });
    assertRejected(
      () => validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, RepoTags: null }),
      "/RepoTags",
    );
  });

  it("follows $ref into nested definitions", () => {
    const descriptor = {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: "sha256:ab",
      size: 1,
    };
    validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, Descriptor: descriptor });
    assertRejected(
      () =>
        validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, Descriptor: { ...descriptor, size: "1" } }),
      "/Descriptor/size",
    );
  });

  it("checks SystemVersion, including date-time formats", () => {
    validateDefinition("SystemVersion", SYSTEM_VERSION);
    assertRejected(() => validateDefinition("SystemVersion", { ...SYSTEM_VERSION, Version: 1 }), "/Version");
    assertRejected(
      () => validateDefinition("SystemVersion", { ...SYSTEM_VERSION, Platform: { Name: 7 } }),
      "/Platform/Name",
    );
  });

  it("checks ErrorResponse's required message", () => {
    validateDefinition("ErrorResponse", { message: "No such container: x" });
    assertRejected(() => validateDefinition("ErrorResponse", {}), "message");
    assertRejected(() => validateDefinition("ErrorResponse", { message: null }), "/message");
  });

  it("checks Go integer ranges and address formats", () => {
    const port = { IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Type: "tcp" };
    validateDefinition("PortSummary", port);
    validateDefinition("PortSummary", { ...port, IP: "::" });
    assertRejected(() => validateDefinition("PortSummary", { ...port, PrivatePort: 70000 }), "/PrivatePort");
    assertRejected(() => validateDefinition("PortSummary", { ...port, PublicPort: -1 }), "/PublicPort");
    assertRejected(() => validateDefinition("PortSummary", { ...port, IP: "localhost" }), "/IP");
  });

  it("names unknown definitions", () => {
    assertRejected(() => validateDefinition("NoSuchThing", {}), "NoSuchThing");
  });
});

describe("validateResponse", () => {
  it("looks up the response schema by method, path template and status", () => {
    validateResponse("GET", "/images/json", 200, [IMAGE_SUMMARY]);
    validateResponse("get", "/version", 200, SYSTEM_VERSION);
    assertRejected(
      () => validateResponse("GET", "/images/json", 200, [{ ...IMAGE_SUMMARY, Id: 5 }]),
      "/0/Id",
    );
  });

  it("maps concrete and versioned paths to templates", () => {
    const v = createSwaggerValidator();
    assert.equal(v.findPathTemplate("/v1.44/images/json?all=1"), "/images/json");
    assert.equal(v.findPathTemplate("/images/library/busybox:latest/json"), "/images/{name}/json");
    assert.equal(v.findPathTemplate("/containers/abc/json"), "/containers/{id}/json");
    validateResponse("GET", "/v1.44/containers/abc/json", 404, { message: "No such container: abc" });
  });

  it("decodes raw bodies: text for string schemas, JSON otherwise", () => {
    validateResponse("GET", "/_ping", 200, Buffer.from("OK"));
    validateResponse("GET", "/version", 200, Buffer.from(JSON.stringify(SYSTEM_VERSION)));
    assertRejected(() => validateResponse("GET", "/version", 200, "not json"), "not JSON");
  });

  it("rejects undocumented statuses and bodies where none is documented", () => {
    assertRejected(() => validateResponse("GET", "/images/json", 418, {}), "418");
    validateResponse("POST", "/containers/{id}/start", 204, Buffer.alloc(0));
    assertRejected(() => validateResponse("POST", "/containers/{id}/start", 204, { x: 1 }), "without a body");
  });
});

describe("unknownProperties: forbid", () => {
  const strict = createSwaggerValidator({ unknownProperties: "forbid" });

  it("rejects misspelt properties that the default validator lets through", () => {
    const misspelt = { ...IMAGE_SUMMARY, ID: IMAGE_SUMMARY.Id };
    validateDefinition("ImageSummary", misspelt);
    assertRejected(() => strict.validateDefinition("ImageSummary", misspelt), "ID");
    strict.validateDefinition("ImageSummary", IMAGE_SUMMARY);
  });

  it("sees the properties of every allOf part together", () => {
    // HostConfig is allOf [Resources, {Binds, ...}]: both parts' properties are known.
    strict.validateDefinition("HostConfig", { CpuShares: 512, Binds: ["/a:/b"], Memory: 0 });
    assertRejected(() => strict.validateDefinition("HostConfig", { CpuShares: 512, Bindz: [] }), "Bindz");
  });

  it("leaves free-form maps open", () => {
    strict.validateDefinition("ImageSummary", { ...IMAGE_SUMMARY, Labels: { "any.key": "v" } });
  });
});

describe("the whole swagger", () => {
  // Every schema must compile (all $refs resolve, all formats known); values may fail.
  function onlyAssertions(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof AssertionError)) throw err;
    }
  }

  for (const mode of ["allow", "forbid"] as const) {
    it(`compiles every definition and response schema (unknownProperties: ${mode})`, () => {
      const v = createSwaggerValidator({ unknownProperties: mode });
      const definitions = v.document.definitions as Record<string, unknown>;
      for (const name of Object.keys(definitions)) onlyAssertions(() => v.validateDefinition(name, {}));
      const paths = v.document.paths as Record<
        string,
        Record<string, { responses?: Record<string, unknown> }>
      >;
      let compiled = 0;
      for (const [path, item] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(item)) {
          if (method === "parameters") continue;
          for (const status of Object.keys(operation.responses ?? {})) {
            if (status === "default") continue;
            onlyAssertions(() => v.validateResponse(method, path, Number(status), {}));
            compiled++;
          }
        }
      }
      assert.ok(compiled > 300, `only ${compiled} responses seen`);
    });
  }
});
