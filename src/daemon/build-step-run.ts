// RUN steps: a real container from the current image and config (create → start → wait), with
// the step's mounts (cache, bind, tmpfs) and network; its upper dir, minus the mount points the
// runtime made, becomes the step's layer.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, posix } from "node:path";
import { cleanSource, commandLine, lineError, parseMount, resolveInRoot, runArgEnv } from "../build/index.ts";
import { upperDirEntries } from "../diff/index.ts";
import type { ImageRecord } from "../image/index.ts";
import { cacheKey } from "./build-cache-lookup.ts";
import { commitImage } from "./build-commit.ts";
import { imageLookup, mountView } from "./build-image-fs.ts";
import { BUILD_CONTAINER_LABEL, type Built, canceled, short, type Step, StepFailed } from "./build-types.ts";

/** Where the runtime mounts things into every container (their mount points are not content). */
const RUNTIME_MOUNT_POINTS = [
  "/etc/hosts",
  "/etc/hostname",
  "/etc/resolv.conf",
  "/proc",
  "/sys",
  "/dev/pts",
  "/dev/shm",
  "/dev/mqueue",
  "/dev",
];

export async function runRun(step: Step): Promise<Built> {
  const { ctx, state, current, inst, before, tryCache, done } = step;
  const { deps, options, say } = ctx;
  let cmd = commandLine(inst, state.config);
  if (inst.heredocs.length > 0 && !inst.json) {
    // RUN <<EOF: the heredoc is the script (reference "Here-Documents" → "Example: Running a multi-line script").
    const first = inst.heredocs[0];
    const line = inst.args.join(" ");
    if (first && /^\s*<<-?['"]?\w+['"]?\s*$/.test(line)) {
      cmd = [...(state.config.Shell ?? ["/bin/sh", "-c"]), first.content];
    } else {
      cmd = [
        ...(state.config.Shell ?? ["/bin/sh", "-c"]),
        line + "\n" + inst.heredocs.map((h) => h.content + h.name).join("\n"),
      ];
    }
  }
  if (inst.flags.get("security")?.[0] === "insecure") {
    // BuildKit grants this only with the security.insecure entitlement, which we never give.
    throw lineError(
      "security.insecure is not allowed: RUN --security=insecure needs an entitlement this builder does not grant",
      inst.line,
    );
  }
  const argEnv = runArgEnv(state);
  const mounts = (inst.flags.get("mount") ?? []).map((m) => parseMount(m, inst));
  const network = inst.flags.get("network")?.[0] ?? "default";
  if (!["none", "default", "host"].includes(network))
    throw lineError(`unsupported network mode: ${network}`, inst.line);
  const description = `RUN ${JSON.stringify(cmd)} args=${JSON.stringify(argEnv)} mounts=${JSON.stringify(mounts)} net=${network}`;
  const key = cacheKey(current, before, description);
  const createdBy = cmd.join(" "); // moby: strings.Join(saveCmd, " ") for both forms
  // History names the build args a RUN saw, sorted (moby's prependEnvOnCmd).
  const withArgs =
    argEnv.length > 0 ? `|${argEnv.length} ${[...argEnv].sort().join(" ")} ${createdBy}` : createdBy;
  const hit = await tryCache(key, withArgs, false);
  if (hit) return hit;

  const binds: string[] = [];
  const tmpfs: Record<string, string> = {};
  for (const m of mounts) {
    if (m.type === "cache") {
      const id = m.id || m.target;
      const dir = join(
        deps.root,
        "build-cache-mounts",
        createHash("sha256").update(id).digest("hex").slice(0, 32),
      );
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      binds.push(`${dir}:${m.target}`);
    } else if (m.type === "bind") {
      let root = ctx.ctxDir;
      if (m.from) {
        const idx = ctx.stageRef(m.from);
        const img = idx !== undefined ? ctx.built.get(idx)?.image : deps.images.find(m.from);
        root = await mountView(ctx, img);
      }
      const src = join(root, resolveInRoot(root, cleanSource(m.source || ".", "RUN")));
      if (!existsSync(src))
        throw lineError(`failed to compute cache key: "/${m.source}": not found`, inst.line);
      binds.push(`${src}:${m.target}:${m.rw ? "rw" : "ro"}`);
    } else if (m.type === "tmpfs") {
      tmpfs[m.target] = "";
    }
  }
  const baseImage = current.image;
  let imageRef = baseImage?.id;
  let scratchImage: Built | undefined;
  if (!imageRef) {
    scratchImage = await commitImage(deps, ctx.lease, current, state.config, [], "", true);
    imageRef = (scratchImage.image as ImageRecord).id;
  }
  const env = [...(state.config.Env ?? [])];
  const keys = new Set(env.map((e) => e.split("=")[0]));
  for (const a of argEnv) if (!keys.has(a.split("=")[0])) env.push(a);
  // moby: Remove drops a step's container once it succeeded, ForceRemove also a failed one. A
  // failed step's container goes with plain --rm too here (issue 7: no dangling containers).
  const keep = !options.remove && !options.forceRm;
  const request: Record<string, unknown> = {
    Image: imageRef,
    Cmd: cmd,
    Entrypoint: [],
    Env: env,
    WorkingDir: state.config.WorkingDir ?? "",
    User: state.config.User ?? "",
    // Marks the step container so a daemon restart after a crash mid-build removes it; with
    // --rm=false (and no --force-rm) it is kept, as Docker keeps it, so it stays unmarked.
    Labels: keep ? {} : { [BUILD_CONTAINER_LABEL]: "1" },
    HostConfig: {
      NetworkMode:
        network === "none" ? "none" : network === "host" ? "host" : options.networkMode || "default",
      ...(binds.length > 0 ? { Binds: binds } : {}),
      ...(Object.keys(tmpfs).length > 0 ? { Tmpfs: tmpfs } : {}),
      ...(options.extraHosts.length > 0 ? { ExtraHosts: options.extraHosts } : {}),
      ...(options.shmSize ? { ShmSize: options.shmSize } : {}),
      ...(options.ulimits.length > 0 ? { Ulimits: options.ulimits } : {}),
      ...(options.memory ? { Memory: options.memory } : {}),
      ...(options.memorySwap ? { MemorySwap: options.memorySwap } : {}),
      ...(options.cpuShares ? { CpuShares: options.cpuShares } : {}),
      ...(options.cpuSetCpus ? { CpusetCpus: options.cpuSetCpus } : {}),
      ...(options.cpuPeriod ? { CpuPeriod: options.cpuPeriod } : {}),
      ...(options.cpuQuota ? { CpuQuota: options.cpuQuota } : {}),
    },
  };
  // WORKDIR must exist for the process to start; Docker creates it (reference "WORKDIR").
  const id = await deps.containers.create(request);
  say(` ---> Running in ${short(id)}\n`);
  let finished = false;
  try {
    const code = await deps.containers.run(id, (text) => say(text), ctx.signal);
    if (ctx.signal?.aborted) throw canceled();
    if (code !== 0) {
      const shown = cmd.join(" "); // moby: strings.Join(runConfig.Cmd, " ")
      throw new StepFailed(`The command '${shown}' returned a non-zero code: ${code}`, code);
    }
    // Mount points the runtime made (the /etc files, /proc, /sys, /dev, bind and tmpfs targets)
    // are not content: Docker keeps them in an init layer that commits never see. Dropped when
    // the image lacks them and they are still empty; deepest first so emptied parents go too.
    const upper = deps.containers.upperDir(id);
    const lookup = imageLookup(deps, current.image);
    const points = [...RUNTIME_MOUNT_POINTS, ...mounts.map((m) => m.target)].sort(
      (a, b) => b.length - a.length,
    );
    for (const point of points) {
      for (let p = point; p !== "/" && p !== "."; p = posix.dirname(p)) {
        if (lookup(p) !== undefined) break;
        const path = join(upper, p);
        try {
          const st = lstatSync(path);
          if (st.isDirectory() ? readdirSafe(path).length > 0 : !st.isFile() || st.size > 0) break;
          rmSync(path, { recursive: true });
        } catch {
          break; // not created
        }
      }
    }
    // The shared upper-dir changeset writer (docker commit's): whiteouts, opaque dirs, hard links.
    const entries = upperDirEntries(upper);
    const result = await commitImage(
      deps,
      ctx.lease,
      scratchImage ?? current,
      state.config,
      entries,
      withArgs,
      false,
    );
    if (!keep) {
      await deps.containers.remove(id);
      say(` ---> Removed intermediate container ${short(id)}\n`);
    }
    finished = true;
    return done(result, key);
  } finally {
    if (!finished && !keep)
      await deps.containers
        .remove(id)
        .catch((err: unknown) => deps.log.warn("build: remove container", { id, err }));
  }
}

function readdirSafe(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}
