// A busybox root filesystem for test images, built once per process from the host's static
// busybox by scripts/make-busybox-rootfs.sh, and images made of it.
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fileBody, startDaemon, type StartDaemonOptions, type TestDaemon } from "./daemon.ts";
import { makeDockerArchive } from "./docker-archive.ts";
import type { BuiltDockerArchive } from "./docker-archive.ts";
import type { LayerSpec } from "./image-blobs.ts";
import { DEFAULT_PATH_ENV } from "./image-config.ts";
import type { ImageConfigInput } from "./image-config.ts";
import { runChecked } from "./run-command.ts";
import { packDirectory } from "./tar-directory.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/make-busybox-rootfs.sh", import.meta.url));

interface BusyboxBuild {
  rootfs: string;
  tar: string;
}

let build: Promise<BusyboxBuild> | undefined;

async function buildOnce(): Promise<BusyboxBuild> {
  const dir = await mkdtemp(join(tmpdir(), "berth-busybox-"));
  // Synchronous: an "exit" handler cannot wait for promises.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const rootfs = join(dir, "rootfs");
  await runChecked("sh", [SCRIPT, rootfs]);
  const tar = join(dir, "busybox-rootfs.tar");
  await packDirectory(rootfs, tar);
  return { rootfs, tar };
}

function busybox(): Promise<BusyboxBuild> {
  build ??= buildOnce().catch((err: unknown) => {
    build = undefined; // let a later caller retry instead of caching the failure
    throw err;
  });
  return build;
}

/** Path to an uncompressed tar of the busybox rootfs (owner 0:0, fixed mtimes). Do not modify it. */
export async function busyboxRootfsTar(): Promise<string> {
  return (await busybox()).tar;
}

/** Path to the unpacked busybox rootfs. Do not modify it. */
export async function busyboxRootfsDir(): Promise<string> {
  return (await busybox()).rootfs;
}

export interface BusyboxImageOptions {
  repoTags?: string[];
  format?: "oci" | "legacy";
  /** Layers on top of busybox, e.g. files a test needs. */
  extraLayers?: LayerSpec[];
  /** Image config; default Cmd ["sh"] and the usual PATH, like the official image. */
  config?: ImageConfigInput;
}

/** Writes a `docker save`-style archive of a busybox image (default tag busybox:latest). */
export async function makeBusyboxImage(
  outPath: string,
  options: BusyboxImageOptions = {},
): Promise<BuiltDockerArchive> {
  const base: LayerSpec = {
    tarPath: await busyboxRootfsTar(),
    createdBy: "ADD busybox-rootfs.tar / # berth test fixture",
  };
  return makeDockerArchive(
    outPath,
    [
      {
        repoTags: options.repoTags ?? ["busybox:latest"],
        layers: [base, ...(options.extraLayers ?? [])],
        config: options.config ?? { config: { Env: [DEFAULT_PATH_ENV], Cmd: ["sh"] } },
      },
    ],
    options.format === undefined ? {} : { format: options.format },
  );
}

/** Makes busybox:latest in the daemon's temp dir and loads it (the usual test set-up). */
export async function loadBusybox(daemon: TestDaemon): Promise<void> {
  const archive = join(daemon.dir, "busybox.tar");
  await makeBusyboxImage(archive);
  const load = await daemon.request("POST", "/images/load", fileBody(archive, "application/x-tar"));
  if (load.status !== 200) throw new Error(`loading busybox: ${load.status} ${load.text()}`);
}

/** A test daemon with busybox:latest loaded. */
export async function startBusyboxDaemon(options?: StartDaemonOptions): Promise<TestDaemon> {
  const daemon = await startDaemon(options);
  try {
    await loadBusybox(daemon);
  } catch (err) {
    await daemon.cleanup();
    throw err;
  }
  return daemon;
}

/** `docker rm -f` (with `volumes`, `-v` too) of every container, as a suite's `after` does first. */
export async function removeAllContainers(daemon: TestDaemon, { volumes = false } = {}): Promise<void> {
  const ids = (await daemon.docker(["ps", "-aq"])).stdout.split(/\s+/).filter(Boolean);
  if (ids.length > 0) await daemon.docker(["rm", "-f", ...(volumes ? ["-v"] : []), ...ids]);
}
