// Reads a user's seccomp profile (--security-opt seccomp=<file>, sent as JSON text) in Docker's
// format, checking the shape so mistakes are reported here rather than by runc.
import { invalidSeccompProfile } from "../../lib/index.ts";
import type { DockerSeccompProfile, DockerSyscall, LinuxSeccompArg, SeccompFilter } from "./types.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === "string");

function fail(why: string): never {
  throw invalidSeccompProfile(`decoding seccomp profile failed: ${why}`);
}

function filter(v: unknown, where: string): SeccompFilter | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(`${where} must be an object`);
  const out: SeccompFilter = {};
  for (const key of ["caps", "arches"] as const) {
    const list = v[key];
    if (list === undefined || list === null) continue;
    if (!isStringArray(list)) fail(`${where}.${key} must be a list of strings`);
    out[key] = list;
  }
  if (v.minKernel !== undefined && v.minKernel !== "") {
    if (typeof v.minKernel !== "string" || !/^\d+\.\d+/.test(v.minKernel))
      fail(`${where}.minKernel must be a kernel version like "4.8"`);
    out.minKernel = v.minKernel;
  }
  return out;
}

function arg(v: unknown, where: string): LinuxSeccompArg {
  if (!isObject(v)) fail(`${where} must be an object`);
  const { index, value, valueTwo, op } = v;
  if (typeof index !== "number" || typeof op !== "string") fail(`${where} needs a numeric index and an op`);
  const out: LinuxSeccompArg = { index, value: typeof value === "number" ? value : 0, op };
  if (typeof valueTwo === "number" && valueTwo !== 0) out.valueTwo = valueTwo;
  return out;
}

function syscall(v: unknown, i: number): DockerSyscall {
  const where = `syscalls[${i}]`;
  if (!isObject(v)) fail(`${where} must be an object`);
  if (typeof v.action !== "string" || v.action === "") fail(`${where}.action must be a non-empty string`);
  const out: DockerSyscall = { action: v.action };
  if (typeof v.name === "string" && v.name !== "") out.name = v.name;
  if (v.names !== undefined && v.names !== null) {
    if (!isStringArray(v.names)) fail(`${where}.names must be a list of strings`);
    out.names = v.names;
  }
  if (v.errnoRet !== undefined && v.errnoRet !== null) {
    if (typeof v.errnoRet !== "number") fail(`${where}.errnoRet must be a number`);
    out.errnoRet = v.errnoRet;
  }
  if (v.args !== undefined && v.args !== null) {
    if (!Array.isArray(v.args)) fail(`${where}.args must be a list`);
    out.args = v.args.map((a, j) => arg(a, `${where}.args[${j}]`));
  }
  const includes = filter(v.includes, `${where}.includes`);
  if (includes !== undefined) out.includes = includes;
  const excludes = filter(v.excludes, `${where}.excludes`);
  if (excludes !== undefined) out.excludes = excludes;
  return out;
}

/** Parses the JSON text of a Docker-format seccomp profile. */
export function parseSeccompProfile(text: string): DockerSeccompProfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalidSeccompProfile(
      `decoding seccomp profile failed: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  if (!isObject(doc)) fail("the profile must be a JSON object");
  if (typeof doc.defaultAction !== "string" || doc.defaultAction === "")
    fail("defaultAction must be a non-empty string");
  const profile: DockerSeccompProfile = { defaultAction: doc.defaultAction };
  if (typeof doc.defaultErrnoRet === "number") profile.defaultErrnoRet = doc.defaultErrnoRet;
  if (doc.architectures !== undefined && doc.architectures !== null) {
    if (!isStringArray(doc.architectures)) fail("architectures must be a list of strings");
    profile.architectures = doc.architectures;
  }
  if (doc.archMap !== undefined && doc.archMap !== null) {
    if (!Array.isArray(doc.archMap)) fail("archMap must be a list");
    profile.archMap = doc.archMap.map((entry, i) => {
      if (!isObject(entry) || typeof entry.architecture !== "string")
        fail(`archMap[${i}].architecture must be a string`);
      const subs = entry.subArchitectures ?? null;
      if (subs !== null && !isStringArray(subs)) fail(`archMap[${i}].subArchitectures must be a list`);
      return { architecture: entry.architecture, subArchitectures: subs };
    });
  }
  if (doc.flags !== undefined && doc.flags !== null) {
    if (!isStringArray(doc.flags)) fail("flags must be a list of strings");
    profile.flags = doc.flags;
  }
  if (doc.syscalls !== undefined && doc.syscalls !== null) {
    if (!Array.isArray(doc.syscalls)) fail("syscalls must be a list");
    profile.syscalls = doc.syscalls.map(syscall);
  }
  return profile;
}
