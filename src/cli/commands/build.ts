// berth build: the classic builder through POST /build. The context directory goes up as a tar
// made by GNU tar (the daemon applies .dockerignore); a Dockerfile from stdin or outside the
// context is added under a private name, as the docker CLI does. Output is Docker's build stream.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import type { JsonMessage } from "../../api/types/index.ts";
import { readAll } from "../../client/index.ts";
import { command } from "../cli-context.ts";
import { ramInBytes } from "../humanize.ts";
import { streamLines } from "../stream-lines.ts";

function keyValues(list: readonly string[], env = false): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const item of list) {
    const i = item.indexOf("=");
    if (i < 0) out[item] = env ? (process.env[item] ?? null) : "";
    else out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

function isArchive(head: Buffer): boolean {
  if (head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.subarray(0, 3).toString() === "BZh") return true;
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
  return head.length >= 262 && head.subarray(257, 262).toString() === "ustar";
}

/** `tar -c` of the context dir, plus extra files from another dir. */
function tarContext(dir: string, extraDir?: string, extra?: string): Readable {
  const args = ["-c", "-C", dir, "."];
  if (extraDir && extra) args.push("-C", extraDir, extra);
  const tar = spawn("tar", args, { stdio: ["ignore", "pipe", "inherit"] });
  return tar.stdout;
}

export const buildCommand = command({
  paths: [["build"], ["image", "build"], ["builder", "build"]],
  spec: {
    path: "berth build",
    usage: "[OPTIONS] PATH | URL | -",
    description: "Build an image from a Dockerfile",
    aliases: ["berth image build", "berth build", "berth builder build"],
    args: { min: 1, max: 1 },
    flags: {
      tag: { type: "list", short: "t", description: 'Name and optionally a tag in the "name:tag" format' },
      file: {
        type: "string",
        short: "f",
        description: "Name of the Dockerfile (Default is 'PATH/Dockerfile')",
      },
      "build-arg": { type: "list", description: "Set build-time variables" },
      label: { type: "list", description: "Set metadata for an image" },
      target: { type: "string", description: "Set the target build stage to build." },
      "no-cache": { type: "bool", description: "Do not use cache when building the image" },
      quiet: {
        type: "bool",
        short: "q",
        description: "Suppress the build output and print image ID on success",
      },
      iidfile: { type: "string", description: "Write the image ID to the file" },
      rm: {
        type: "bool",
        default: true,
        description: "Remove intermediate containers after a successful build",
      },
      "force-rm": { type: "bool", description: "Always remove intermediate containers" },
      pull: { type: "bool", description: "Always attempt to pull a newer version of the image" },
      network: {
        type: "string",
        description: "Set the networking mode for the RUN instructions during build",
      },
      "add-host": { type: "list", description: "Add a custom host-to-IP mapping (host:ip)" },
      "shm-size": { type: "string", description: "Size of /dev/shm" },
      memory: { type: "string", short: "m", description: "Memory limit" },
      "cpu-shares": { type: "int", short: "c", description: "CPU shares (relative weight)" },
      "cpuset-cpus": { type: "string", description: "CPUs in which to allow execution (0-3, 0,1)" },
      "cache-from": { type: "list", description: "Images to consider as cache sources" },
      platform: { type: "string", description: "Set platform if server is multi-platform capable" },
    },
  },
  async run(ctx, flags, [path = "."]) {
    let body: Readable;
    let dockerfile = flags.file || "";
    let cleanup: string | undefined;
    try {
      if (path === "-") {
        const input = await readAll(ctx.stdin);
        if (isArchive(input.subarray(0, 512))) body = Readable.from([input]);
        else {
          // A Dockerfile alone on stdin: the context is just that file.
          cleanup = mkdtempSync(join(tmpdir(), "berth-build-"));
          writeFileSync(join(cleanup, "Dockerfile"), input);
          body = tarContext(cleanup);
          dockerfile = "Dockerfile";
        }
      } else {
        const dir = resolve(path);
        if (!existsSync(dir) || !statSync(dir).isDirectory()) {
          ctx.stderr.write(`unable to prepare context: path "${path}" not found\n`);
          return 1;
        }
        let extraDir: string | undefined;
        let extra: string | undefined;
        if (
          dockerfile === "-" ||
          (dockerfile !== "" && relative(dir, resolve(dockerfile)).startsWith(".."))
        ) {
          const content = dockerfile === "-" ? await readAll(ctx.stdin) : readFileSync(resolve(dockerfile));
          cleanup = mkdtempSync(join(tmpdir(), "berth-build-"));
          extra = `.dockerfile.${randomBytes(10).toString("hex")}`;
          writeFileSync(join(cleanup, extra), content);
          extraDir = cleanup;
          dockerfile = extra;
        } else if (dockerfile !== "") {
          dockerfile = relative(dir, resolve(dockerfile));
        }
        body = tarContext(dir, extraDir, extra);
      }
      const res = await ctx.client.stream("POST", "/build", {
        query: {
          t: flags.tag,
          dockerfile: dockerfile || undefined,
          buildargs: flags["build-arg"].length
            ? JSON.stringify(keyValues(flags["build-arg"], true))
            : undefined,
          labels: flags.label.length ? JSON.stringify(keyValues(flags.label)) : undefined,
          target: flags.target || undefined,
          nocache: flags["no-cache"] ? "1" : undefined,
          q: flags.quiet ? "1" : undefined,
          rm: flags.rm ? "1" : "0",
          forcerm: flags["force-rm"] ? "1" : undefined,
          pull: flags.pull ? "1" : undefined,
          networkmode: flags.network || undefined,
          extrahosts: flags["add-host"].length ? flags["add-host"].join(",") : undefined,
          shmsize: flags["shm-size"] ? String(ramInBytes(flags["shm-size"])) : undefined,
          memory: flags.memory ? String(ramInBytes(flags.memory)) : undefined,
          cpushares: flags["cpu-shares"] ? String(flags["cpu-shares"]) : undefined,
          cpusetcpus: flags["cpuset-cpus"] || undefined,
          cachefrom: flags["cache-from"].length ? JSON.stringify(flags["cache-from"]) : undefined,
          platform: flags.platform || undefined,
        },
        body,
        headers: { "Content-Type": "application/x-tar" },
      });
      let imageId = "";
      let quietOut = "";
      let failure: { message: string; code: number } | undefined;
      const handle = (line: string): void => {
        if (failure) return;
        const msg = JSON.parse(line) as JsonMessage;
        if (msg.error !== undefined || msg.errorDetail !== undefined) {
          failure = {
            message: msg.errorDetail?.message ?? msg.error ?? "",
            code: msg.errorDetail?.code || 1,
          };
          return;
        }
        if (msg.aux && typeof msg.aux.ID === "string") imageId = msg.aux.ID;
        if (msg.stream !== undefined) {
          if (flags.quiet) quietOut += msg.stream;
          else ctx.stdout.write(msg.stream);
        }
      };
      for await (const line of streamLines(res as AsyncIterable<Buffer>)) handle(line);
      if (failure) {
        if (flags.quiet) ctx.stderr.write(quietOut);
        ctx.stderr.write(`${failure.message}\n`);
        return failure.code;
      }
      if (flags.quiet) ctx.stdout.write(quietOut);
      if (flags.iidfile && imageId) writeFileSync(flags.iidfile, imageId);
      return 0;
    } finally {
      if (cleanup) rmSync(cleanup, { recursive: true, force: true });
    }
  },
});
