// COPY and ADD steps: sources from the context, another stage or image (--from), or heredocs;
// local archives ADD extracts; the planned entries become the step's layer, cached on content.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import {
  cleanSource,
  expandHeredoc,
  expandWord,
  IgnoreMatcher,
  lineError,
  parseDockerignore,
  type PathKind,
  planCopy,
  resolveInRoot,
  type StageState,
} from "../build/index.ts";
import type { TarWriteEntry } from "../diff/index.ts";
import { type EngineError, invalidArgument, notFound } from "../lib/index.ts";
import { cacheKey } from "./build-cache-lookup.ts";
import { commitImage } from "./build-commit.ts";
import { imageFs, mountView, readImageFile } from "./build-image-fs.ts";
import type { Built, Step } from "./build-types.ts";

export async function runCopy(step: Step): Promise<Built> {
  const { ctx, state, current, inst, before, tryCache, done } = step;
  const { deps, escapeToken } = ctx;
  const upper = inst.name.toUpperCase() as "COPY" | "ADD";
  const x = (w: string): string => expandWord(state, inst, w, escapeToken);
  const words = inst.args.map(x);
  const excludes = (inst.flags.get("exclude") ?? []).map(x);
  if (inst.flags.has("checksum") && !words.slice(0, -1).some((w) => /^https?:\/\//i.test(w))) {
    throw lineError("checksum can't be specified for non-HTTP(S) sources", inst.line);
  }
  const fs = imageFs(deps, current.image);
  const lookup = (abs: string): PathKind | undefined => fs.lookup(abs);
  // The destination resolves through symlinks inside the image (e.g. /bin -> usr/bin), so the
  // layer writes under the real directory instead of shadowing the link.
  const rawDest = words.at(-1) ?? "";
  const absDest = posix.resolve(state.config.WorkingDir || "/", rawDest);
  const dest = fs.resolve(absDest) + (rawDest.endsWith("/") || rawDest.endsWith("/.") ? "/" : "");
  const owner = parseChown(x(inst.flags.get("chown")?.[0] ?? ""), readImageFile(deps, current.image));
  const chmodText = inst.flags.get("chmod")?.[0];
  let chmod: number | undefined;
  if (chmodText !== undefined) {
    if (!/^[0-7]{3,4}$/.test(chmodText)) throw lineError(`invalid chmod parameter: ${chmodText}`, inst.line);
    chmod = parseInt(chmodText, 8);
  }
  let sourceRoot = ctx.ctxDir;
  let ignore = ctx.ignore;
  const from = inst.flags.get("from")?.[0];
  if (from !== undefined && inst.name === "copy") {
    // Global ARGs count here too (the stage graph was made with them).
    const scope: StageState = { ...state, args: new Map([...state.metaArgs, ...state.args]) };
    const ref = expandWord(scope, inst, from, escapeToken);
    const idx = ctx.stageRef(ref);
    const fromImage = idx !== undefined ? ctx.built.get(idx)?.image : deps.images.find(ref);
    if (idx === undefined && !fromImage) {
      throw notFound(
        "BUILD_COPY_FROM",
        `invalid from flag value ${ref}: pull access denied for ${ref}, repository does not exist or may require 'docker login'`,
      );
    }
    sourceRoot = await mountView(ctx, fromImage);
    ignore = undefined;
  }
  let sources = words.slice(0, -1);
  // Heredocs become files named by the delimiter (reference "Here-Documents").
  if (inst.heredocs.length > 0) {
    const hd = join(ctx.work, `heredoc-${randomBytes(4).toString("hex")}`);
    mkdirSync(hd);
    sources = [];
    for (const h of inst.heredocs) {
      const content = h.expand ? expandHeredoc(h.content, state, inst, escapeToken) : h.content;
      writeFileSync(join(hd, h.name), content, { mode: 0o644 });
      sources.push(h.name);
    }
    sources = sources.filter((s) => !s.startsWith("<<"));
    sourceRoot = hd;
    ignore = undefined;
  } else {
    for (const s of sources) {
      if (/^https?:\/\//i.test(s)) {
        if (inst.name === "copy") throw lineError(`source can't be a URL for COPY`, inst.line);
        throw invalidArgument(
          "BUILD_ADD_URL",
          `ADD failed: cannot download ${s}: this berthd has no network access to fetch remote sources`,
        );
      }
      if (/^git@|\.git(#.*)?$/.test(s) && inst.name === "add") {
        throw invalidArgument("BUILD_ADD_GIT", `ADD failed: cannot clone ${s}: no network access`);
      }
    }
  }
  // ADD auto-extracts local tar archives into the destination (reference "ADD" → "Adding local tar archives").
  let extracted: string | undefined;
  if (inst.name === "add" && inst.heredocs.length === 0) {
    const archives = sources.filter((s) =>
      isArchive(join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(s, upper)))),
    );
    if (archives.length > 0) {
      extracted = join(ctx.work, `add-${randomBytes(4).toString("hex")}`);
      mkdirSync(extracted);
      for (const a of archives) {
        const src = join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(a, upper)));
        const code = await runTool("tar", ["-x", "--no-same-owner", "-f", src, "-C", extracted]);
        if (code !== 0) throw invalidArgument("BUILD_ADD_ARCHIVE", `ADD failed: could not extract ${a}`);
      }
    }
  }
  const plan = await planCopy({
    sourceRoot,
    ...(ignore ? { ignore } : {}),
    ...(excludes.length > 0 ? { exclude: new IgnoreMatcher(parseDockerignore(excludes.join("\n"))) } : {}),
    sources: extracted
      ? sources.filter((s) => !isArchive(join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(s, upper)))))
      : sources,
    dest,
    workdir: state.config.WorkingDir || "/",
    ...owner,
    ...(chmod !== undefined ? { chmod } : {}),
    lookup,
    instruction: upper,
  }).catch(async (err: unknown) => {
    if (
      extracted &&
      (err as EngineError).code === "BUILD_COPY_FAILED" &&
      sources.every((s) => isArchive(join(sourceRoot, resolveInRoot(sourceRoot, cleanSource(s, upper)))))
    ) {
      return { entries: [] as TarWriteEntry[], hash: "" };
    }
    throw err;
  });
  let entries = plan.entries;
  let contentHash = plan.hash;
  if (extracted) {
    const destDir = dest.startsWith("/") ? dest : posix.join(state.config.WorkingDir || "/", dest);
    const more = await planCopy({
      sourceRoot: extracted,
      sources: ["."],
      dest: destDir.endsWith("/") ? destDir : destDir + "/",
      workdir: "/",
      ...owner,
      lookup,
      instruction: upper,
    });
    entries = [...entries, ...more.entries];
    contentHash += more.hash;
  }
  const description = `${upper} ${JSON.stringify(inst.flags.get("chown") ?? [])}${chmodText ?? ""} ${contentHash} in ${dest}`;
  const createdBy = `/bin/sh -c #(nop) ${upper} ${contentHash.startsWith("sha256:") ? "multi:" + contentHash.slice(7) : contentHash} in ${dest} `;
  const key = cacheKey(current, before, description, contentHash);
  const hit = await tryCache(key, createdBy, false);
  if (hit) return hit;
  return done(await commitImage(deps, ctx.lease, current, state.config, entries, createdBy, false), key);
}

function parseChown(
  spec: string,
  lookupFile: (abs: string) => string | undefined,
): { uid: number; gid: number } {
  if (spec === "") return { uid: 0, gid: 0 };
  const [user = "", group] = spec.split(":");
  const resolve = (name: string, file: string): number => {
    if (/^\d+$/.test(name)) return Number(name);
    const text = lookupFile(file) ?? "";
    for (const line of text.split("\n")) {
      const f = line.split(":");
      if (f[0] === name && f[2] !== undefined) return Number(f[2]);
    }
    throw invalidArgument(
      "BUILD_CHOWN",
      `unable to convert uid/gid chown string to host mapping: can't find uid for user ${name}: no such user: ${name}`,
    );
  };
  const uid = resolve(user, "/etc/passwd");
  let gid = uid;
  if (group !== undefined) gid = resolve(group, "/etc/group");
  else if (!/^\d+$/.test(user)) {
    const line = (lookupFile("/etc/passwd") ?? "").split("\n").find((l) => l.split(":")[0] === user);
    gid = Number(line?.split(":")[3] ?? uid);
  }
  return { uid, gid };
}

function isArchive(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size < 6) return false;
    const head = Buffer.alloc(512);
    const fd = openSync(path, "r");
    try {
      readSync(fd, head, 0, 512, 0);
    } finally {
      closeSync(fd);
    }
    if (head[0] === 0x1f && head[1] === 0x8b) return true; // gzip
    if (head.subarray(0, 3).toString() === "BZh") return true;
    if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return head.subarray(257, 262).toString() === "ustar";
  } catch {
    return false;
  }
}

function runTool(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: "ignore" });
    p.on("close", (code) => resolve(code ?? 1));
    p.on("error", () => resolve(127));
  });
}
