// Listening on the unix socket: refuse when a live daemon answers on it, replace a stale socket
// file, then set mode 0660 and group "berth" when that group exists (as dockerd does with "docker").
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import type { Server } from "node:http";
import { dirname } from "node:path";
import { unavailable } from "../lib/index.ts";

export async function listenOnSocket(server: Server, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (await socketAnswers(path)) {
    throw unavailable("SOCKET_IN_USE", `another daemon is listening on ${path}`);
  }
  rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  chmodSync(path, 0o660);
  const gid = groupId("berth");
  if (gid !== undefined) chownSync(path, 0, gid);
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

function groupId(name: string): number | undefined {
  try {
    for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
      const [group, , gid] = line.split(":");
      if (group === name && gid !== undefined) return Number(gid);
    }
  } catch {
    // no /etc/group: no group to set
  }
  return undefined;
}
