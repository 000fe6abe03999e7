// RUN --mount=type=cache|bind|tmpfs,... (reference "RUN --mount"): the comma-separated key=value
// list, checked with BuildKit's wording. Secret and ssh mounts are refused.
import type { Instruction } from "./instructions.ts";
import { lineError } from "./instructions.ts";

export interface MountSpec {
  type: "cache" | "bind" | "tmpfs";
  target: string;
  source: string;
  id: string;
  from: string;
  rw: boolean;
}

export function parseMount(spec: string, inst: Instruction): MountSpec {
  const m: MountSpec = { type: "bind", target: "", source: "", id: "", from: "", rw: false };
  for (const part of spec.split(",")) {
    const [k = "", v] = part.includes("=")
      ? [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)]
      : [part, undefined];
    switch (k.toLowerCase()) {
      case "type":
        if (v !== "cache" && v !== "bind" && v !== "tmpfs")
          throw lineError(`unsupported mount type "${v ?? ""}"`, inst.line);
        m.type = v;
        break;
      case "target":
      case "dst":
      case "destination":
        m.target = v ?? "";
        break;
      case "source":
      case "src":
        m.source = v ?? "";
        break;
      case "id":
        m.id = v ?? "";
        break;
      case "from":
        m.from = v ?? "";
        break;
      case "rw":
      case "readwrite":
        m.rw = v === undefined || v === "true";
        break;
      case "ro":
      case "readonly":
        m.rw = !(v === undefined || v === "true");
        break;
      case "sharing":
      case "mode":
      case "uid":
      case "gid":
      case "size":
      case "required":
        break;
      default:
        throw lineError(`unexpected key '${k}' in '${part}'`, inst.line);
    }
  }
  if (m.target === "") throw lineError(`mount target is required: ${spec}`, inst.line);
  if (!m.target.startsWith("/")) m.target = "/" + m.target;
  if (m.type === "cache") m.rw = true;
  return m;
}

