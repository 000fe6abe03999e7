// The embedded DNS server of a user network over TCP (RFC 1035 §4.2.2 length-prefixed messages,
// RFC 7766 pipelining) as well as UDP, asked from the host at the network's gateway address:
// a container's name and alias resolve to its address, unknown single labels get NXDOMAIN.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { buildQuery, parseAnswers, TYPE_AAAA } from "../../src/network/dns-codec.ts";
import { DnsStreamDecoder, frameDnsMessage } from "../../src/network/dns-tcp-framing.ts";
import { startBusyboxDaemon } from "../helpers/busybox.ts";
import { type TestDaemon } from "../helpers/daemon.ts";
import { removeTestNetwork } from "../helpers/network-cleanup.ts";

function framed(msg: Buffer): Buffer {
  const f = frameDnsMessage(msg);
  assert.ok(f);
  return f;
}

/** Writes `chunks` one after another on one connection and collects `count` answers by id. */
async function askTcp(host: string, chunks: Buffer[], count: number): Promise<Map<number, Buffer>> {
  const answers = new Map<number, Buffer>();
  const socket = connect({ host, port: 53 });
  const decoder = new DnsStreamDecoder();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${answers.size} of ${count} answers`)), 10_000);
      socket.on("error", reject);
      socket.on("data", (chunk: Buffer) => {
        for (const m of decoder.push(chunk)) answers.set(m.readUInt16BE(0), m);
        if (answers.size >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
      socket.on("connect", () => {
        // Separate writes with a turn of the event loop between them, so TCP sees them apart.
        const next = (i: number): void => {
          const c = chunks[i];
          if (c === undefined) return;
          socket.write(c, () => setImmediate(() => next(i + 1)));
        };
        next(0);
      });
    });
  } finally {
    socket.destroy();
  }
  return answers;
}

async function askUdp(host: string, query: Buffer): Promise<Buffer> {
  const socket = createSocket("udp4");
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no UDP answer")), 10_000);
      socket.on("error", reject);
      socket.on("message", (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      socket.send(query, 53, host);
    });
  } finally {
    socket.close();
  }
}

describe("embedded DNS over TCP and UDP", () => {
  let daemon: TestDaemon;
  let serverIp: string;
  const bridge = `bd${randomBytes(4).toString("hex")}`;
  const prefix = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;
  const gateway = `${prefix}.1`;

  before(async () => {
    daemon = await startBusyboxDaemon();
    const net = await daemon.docker([
      "network",
      "create",
      "--subnet",
      `${prefix}.0/24`,
      "-o",
      `com.docker.network.bridge.name=${bridge}`,
      "dnsnet",
    ]);
    assert.equal(net.code, 0, net.stderr);
    const run = await daemon.docker([
      "run",
      "-d",
      "--network",
      "dnsnet",
      "--network-alias",
      "api",
      "--name",
      "srv",
      "busybox",
      "sleep",
      "300",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const ip = await daemon.docker([
      "inspect",
      "-f",
      "{{.NetworkSettings.Networks.dnsnet.IPAddress}}",
      "srv",
    ]);
    serverIp = ip.stdout.trim();
    assert.match(serverIp, new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.\\d+$`));
  });
  after(async () => {
    await daemon.docker(["rm", "-f", "srv"]);
    await daemon.docker(["network", "rm", "dnsnet"]);
    await daemon.cleanup();
    await removeTestNetwork(bridge);
  });

  it("answers pipelined TCP queries, joined in one segment and split byte by byte", async () => {
    const byName = framed(buildQuery(0x101, "srv"));
    const byAlias = framed(buildQuery(0x102, "API"));
    const missing = framed(buildQuery(0x103, "nosuchhost"));
    const v6 = framed(buildQuery(0x104, "srv", TYPE_AAAA));
    const chunks = [Buffer.concat([byName, byAlias]), ...[...missing].map((b) => Buffer.from([b])), v6];
    const answers = await askTcp(gateway, chunks, 4);
    const of = (id: number): { rcode: number; addresses: string[] } => {
      const a = answers.get(id);
      assert.ok(a, `answer ${id}`);
      return parseAnswers(a);
    };
    assert.deepEqual(of(0x101), { rcode: 0, addresses: [serverIp] });
    assert.deepEqual(of(0x102), { rcode: 0, addresses: [serverIp] });
    assert.deepEqual(of(0x103), { rcode: 3, addresses: [] });
    // An IPv4-only container has no AAAA record: NOERROR without answers.
    assert.deepEqual(of(0x104), { rcode: 0, addresses: [] });
  });

  it("keeps answering UDP on the same address", async () => {
    assert.deepEqual(parseAnswers(await askUdp(gateway, buildQuery(0x201, "srv"))), {
      rcode: 0,
      addresses: [serverIp],
    });
  });

  it("stops listening when the network is removed", async () => {
    const rm = await daemon.docker(["rm", "-f", "srv"]);
    assert.equal(rm.code, 0, rm.stderr);
    const net = await daemon.docker(["network", "rm", "dnsnet"]);
    assert.equal(net.code, 0, net.stderr);
    await assert.rejects(askTcp(gateway, [framed(buildQuery(0x301, "srv"))], 1));
  });
});
