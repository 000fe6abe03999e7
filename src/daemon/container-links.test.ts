import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  linkDisplay,
  linkEnvironment,
  linkHostEntry,
  linksAtStart,
  mergeLinkEnv,
  parseLink,
} from "./container-links.ts";

const target = {
  name: "db",
  hostname: "0123456789ab",
  ip: "10.1.0.2",
  env: ["PATH=/bin", "HOME=/root", "SECRET=a=b", "NOVALUE"],
  exposedPorts: ["80/udp", "5432/tcp", "443"],
};

describe("legacy links", () => {
  it("parses name[:alias]", () => {
    assert.deepEqual(parseLink("db:database"), { target: "db", alias: "database" });
    assert.deepEqual(parseLink("/db"), { target: "db", alias: "db" });
    for (const bad of ["", ":x", "db:", "a:b:c"]) assert.throws(() => parseLink(bad), /invalid link/);
  });

  it("shows links as Docker's inspect does", () => {
    assert.equal(linkDisplay({ target: "db", alias: "database" }, "app"), "/db:/app/database");
  });

  it("builds moby's link variables", () => {
    const env = linkEnvironment({ target: "db", alias: "my-db" }, "app", target);
    assert.deepEqual(env, [
      "MY_DB_NAME=/app/my-db",
      "MY_DB_PORT=udp://10.1.0.2:80",
      "MY_DB_PORT_80_UDP=udp://10.1.0.2:80",
      "MY_DB_PORT_80_UDP_ADDR=10.1.0.2",
      "MY_DB_PORT_80_UDP_PORT=80",
      "MY_DB_PORT_80_UDP_PROTO=udp",
      "MY_DB_PORT_443_TCP=tcp://10.1.0.2:443",
      "MY_DB_PORT_443_TCP_ADDR=10.1.0.2",
      "MY_DB_PORT_443_TCP_PORT=443",
      "MY_DB_PORT_443_TCP_PROTO=tcp",
      "MY_DB_PORT_5432_TCP=tcp://10.1.0.2:5432",
      "MY_DB_PORT_5432_TCP_ADDR=10.1.0.2",
      "MY_DB_PORT_5432_TCP_PORT=5432",
      "MY_DB_PORT_5432_TCP_PROTO=tcp",
      "MY_DB_ENV_SECRET=a=b",
    ]);
  });

  it("hosts entry: alias, hostname, and the name unless it is the alias", () => {
    assert.equal(
      linkHostEntry({ target: "db", alias: "database" }, target),
      "database 0123456789ab db:10.1.0.2",
    );
    assert.equal(linkHostEntry({ target: "db", alias: "db" }, target), "db 0123456789ab:10.1.0.2");
  });

  it("the container's own variables win over the link's", () => {
    assert.deepEqual(mergeLinkEnv(["A_NAME=/x/a", "A_PORT=tcp://1"], ["A_NAME=mine"]), ["A_PORT=tcp://1"]);
  });

  it("a start needs every target to exist and run", () => {
    const resolver = (running: boolean) => ({
      target: (name: string) => (name === "db" ? { ...target, running } : undefined),
    });
    assert.throws(
      () => linksAtStart(["nosuch:x"], "app", resolver(true)),
      /could not get container for nosuch/,
    );
    assert.throws(
      () => linksAtStart(["db:x"], "app", resolver(false)),
      /Cannot link to a non running container: \/db AS \/app\/x/,
    );
    const ok = linksAtStart(["db:x"], "app", resolver(true));
    assert.deepEqual(ok.hosts, ["x 0123456789ab db:10.1.0.2"]);
    assert.equal(ok.env[0], "X_NAME=/app/x");
  });
});
