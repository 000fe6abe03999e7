// A container's network namespace, made by berthd before `runc create` and handed to runc by
// path (oci-runtime-spec config-linux.md "Namespaces": a `path` joins an existing namespace).
// The namespace is kept alive by a bind mount of its nsfs file under <exec-root>/netns/<id>
// (what `ip netns add` does under /run/netns), made with util-linux `unshare --net=<file>`.
//
// Cost matters (every `docker run`): creating the namespace and configuring its first
// interface is ONE process, `unshare --net=<file> ip -batch -`, which, inside the new namespace,
// brings lo up and creates the veth pair with its peer placed straight into berthd's own
// namespace; a second `ip -batch` (nsenter'd back into the host namespace by the same child)
// enslaves that peer to the bridge.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nativeMounts } from "../lib/index.ts";
import { runTool } from "./run-tool.ts";

export interface Interface {
  /** Name inside the container (eth0, eth1, ...). */
  ifname: string;
  hostVeth: string;
  bridge: string;
  mac: string;
  /** "10.1.0.2/24" */
  address: string;
  /** Default route via this gateway (the first non-internal network only). */
  defaultGateway?: string;
  /** Dual-stack networks: "fd00::2/64", and the IPv6 default route's gateway. */
  address6?: string;
  defaultGateway6?: string;
}

export function netnsDir(execRoot: string): string {
  return join(execRoot, "netns");
}

export function netnsPath(execRoot: string, id: string): string {
  return join(netnsDir(execRoot), id);
}

function insideCommands(i: Interface): string {
  const ownNs = `/proc/${process.pid}/ns/net`;
  return [
    `link add ${i.ifname} address ${i.mac} type veth peer name ${i.hostVeth} netns ${ownNs}`,
    `addr add ${i.address} dev ${i.ifname}`,
    // nodad: the address is leased to this container alone; DAD would keep it unusable a while.
    ...(i.address6 ? [`addr add ${i.address6} dev ${i.ifname} nodad`] : []),
    `link set ${i.ifname} up`,
    ...(i.defaultGateway ? [`route add default via ${i.defaultGateway} dev ${i.ifname} onlink`] : []),
    ...(i.defaultGateway6 ? [`route add default via ${i.defaultGateway6} dev ${i.ifname}`] : []),
  ].join("\n");
}

/**
 * A new namespace at `path` with lo up and the given interfaces. `onNamespace` is called as soon
 * as the namespace is mounted at `path` (usable by `runc create`), while its interfaces are
 * still being configured: util-linux `unshare --net=<file>` mounts it before it execs the
 * shell, whose first act is to say so on stdout.
 */
export async function createSandbox(
  path: string,
  interfaces: readonly Interface[],
  onNamespace?: () => void,
): Promise<void> {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o711 });
  writeFileSync(path, "");
  try {
    const batch = ["link set lo up", ...interfaces.map(insideCommands)].join("\n") + "\n";
    if (interfaces.length === 0) {
      await runTool(["unshare", `--net=${path}`, "ip", "-batch", "-"], batch);
      onNamespace?.();
    }
    // The host ends go onto their bridges from the same child (nsenter back into berthd's
    // namespace): berthd forks once per container instead of twice, and a fork of the daemon
    // costs more than the small exec chain below it.
    else
      await runTool(
        [
          "unshare",
          `--net=${path}`,
          "sh",
          "-c",
          'echo; ip -batch - || exit; ns=$1; shift; printf "%s\\n" "$@" | nsenter --net="$ns" ip -batch -',
          "sh",
          `/proc/${process.pid}/ns/net`,
          ...interfaces.map(enslaveCommand),
        ],
        batch,
        onNamespace,
      );
  } catch (err) {
    await destroySandbox(path, interfaces).catch(() => undefined);
    throw err;
  }
}

/** Adds an interface to a live namespace (`network connect`). */
export async function addInterface(path: string, i: Interface): Promise<void> {
  await runTool(["nsenter", `--net=${path}`, "ip", "-batch", "-"], insideCommands(i) + "\n");
  try {
    await enslave([i]);
  } catch (err) {
    await deleteVeths([i.hostVeth]);
    throw err;
  }
}

export async function removeInterface(i: { hostVeth: string }): Promise<void> {
  await deleteVeths([i.hostVeth]);
}

const enslaveCommand = (i: Interface): string => `link set ${i.hostVeth} master ${i.bridge} up`;

async function enslave(interfaces: readonly Interface[]): Promise<void> {
  await runTool(["ip", "-batch", "-"], interfaces.map(enslaveCommand).join("\n") + "\n");
}

/**
 * Deleting the host ends of the veths is synchronous (the namespace's own teardown is deferred
 * by the kernel, and a restart must be able to reuse the names); then the bind mount goes.
 */
export async function destroySandbox(
  path: string,
  interfaces: readonly { hostVeth: string }[],
): Promise<void> {
  await Promise.all([deleteVeths(interfaces.map((i) => i.hostVeth)), unmountNetns(path)]);
}

/**
 * Veth deletions asked for while one `ip` batch runs are collected into the next: a
 * `docker rm -f` of 100 containers spawns a few `ip` processes instead of 100.
 */
let vethQueue: { names: string[]; done: Promise<void> } | undefined;
let vethRunning: Promise<void> = Promise.resolve();

async function deleteVeths(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  if (vethQueue === undefined) {
    const batch: { names: string[]; done: Promise<void> } = { names: [], done: Promise.resolve() };
    batch.done = vethRunning.then(async () => {
      vethQueue = undefined; // later callers start the next batch
      // -force: carry on past veths already gone (the namespace died with them).
      await runTool(
        ["ip", "-force", "-batch", "-"],
        batch.names.map((n) => `link del ${n}`).join("\n") + "\n",
      ).catch(() => undefined);
    });
    vethRunning = batch.done;
    vethQueue = batch;
  }
  vethQueue.names.push(...names);
  await vethQueue.done;
}

async function unmountNetns(path: string): Promise<void> {
  // umount2(MNT_DETACH) through the addon: one syscall instead of a umount(8) process per stop.
  const sys = nativeMounts();
  if (sys) {
    try {
      sys.umount(path, true);
    } catch {
      // not mounted (a half-made sandbox): only the file is left
    }
  } else await runTool(["umount", "-l", path]).catch(() => undefined);
  rmSync(path, { force: true });
}

/** Namespace files left under <exec-root>/netns (for reconcile after a crash). */
export function listSandboxes(execRoot: string): string[] {
  try {
    return readdirSync(netnsDir(execRoot));
  } catch {
    return [];
  }
}
