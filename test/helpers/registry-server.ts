// Starts `bin/berth registry serve` on 127.0.0.1 port 0 for a test and reads the bound URL from
// its first line of output. stop() ends that one process (by its pid); the root is the caller's.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const BERTH = resolve(import.meta.dirname, "../../bin/berth");

export interface TestRegistry {
  url: string;
  /** host:port */
  host: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startRegistry(root: string, extraArgs: readonly string[] = []): Promise<TestRegistry> {
  const child = spawn(
    BERTH,
    ["registry", "serve", "--addr", "127.0.0.1:0", "--root", root, "-D", ...extraArgs],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start: ${out}`)), 15_000);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code}: ${out}`));
    });
  });
  return {
    url,
    host: url.replace(/^https?:\/\//, ""),
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}
