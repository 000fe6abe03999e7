import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { displayablePorts } from "./displayable-ports.ts";

describe("displayablePorts", () => {
  it("groups exposed ports into ranges and lists mappings after them", () => {
    assert.equal(
      displayablePorts([
        { IP: "0.0.0.0", PrivatePort: 9000, PublicPort: 34983, Type: "tcp" },
        { PrivatePort: 7001, Type: "tcp" },
        { PrivatePort: 7000, Type: "tcp" },
        { PrivatePort: 7003, Type: "tcp" },
        { PrivatePort: 53, Type: "udp" },
        { IP: "127.0.0.1", PrivatePort: 80, PublicPort: 18090, Type: "tcp" },
        { IP: "::", PrivatePort: 80, PublicPort: 18090, Type: "tcp" },
        { IP: "0.0.0.0", PrivatePort: 8080, PublicPort: 8080, Type: "tcp" },
        { IP: "0.0.0.0", PrivatePort: 8081, PublicPort: 8081, Type: "tcp" },
      ]),
      // docker emits a broken range as soon as it breaks, the open groups after.
      "7000-7001/tcp, 53/udp, 7003/tcp, 0.0.0.0:8080-8081->8080-8081/tcp, 127.0.0.1:18090->80/tcp, [::]:18090->80/tcp, 0.0.0.0:34983->9000/tcp",
    );
    assert.equal(displayablePorts([]), "");
  });
});
