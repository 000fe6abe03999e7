// --user and --group-add resolved against the image's /etc/passwd and /etc/group, with the
// rules (and error wording) of runc's libcontainer/user that Docker uses.
import { unknownContainerUser } from "../../lib/index.ts";

export interface ExecUser {
  uid: number;
  gid: number;
  /** Supplementary groups: memberships from /etc/group (implicit form only), then --group-add. */
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2147483647;
const NO_PASSWD = "no matching entries in passwd file";
const NO_GROUP = "no matching entries in group file";

function lines(text: string | undefined): string[][] {
  return (text ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(":"));
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  return lines(text).map((f) => ({
    name: f[0] ?? "",
    uid: Number.parseInt(f[2] ?? "", 10),
    gid: Number.parseInt(f[3] ?? "", 10),
    home: f[5] ?? "",
  }));
}

function parseGroup(text: string | undefined): GroupEntry[] {
  return lines(text).map((f) => ({
    name: f[0] ?? "",
    gid: Number.parseInt(f[2] ?? "", 10),
    members: (f[3] ?? "").split(",").filter((m) => m !== ""),
  }));
}

/** A numeric id, or undefined when `text` is a name. */
function numericId(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const id = Number(text);
  if (id < 0 || id > MAX_ID) throw unknownContainerUser(`uids and gids must be in range 0-${MAX_ID}`);
  return id;
}

export interface ResolveUserOptions {
  /** "name", "uid", "name:group", "uid:gid"; empty means root. */
  user?: string;
  groupAdd?: readonly string[];
  passwd?: string;
  group?: string;
}

export function resolveUser(options: ResolveUserOptions): ExecUser {
  const spec = options.user ?? "";
  const colon = spec.indexOf(":");
  const userArg = colon < 0 ? spec : spec.slice(0, colon);
  const groupArg = colon < 0 ? "" : spec.slice(colon + 1);
  const result: ExecUser = { uid: 0, gid: 0, additionalGids: [], home: "/" };

  const uidArg = userArg === "" ? undefined : numericId(userArg);
  // A numeric user is always a uid; no user means uid 0's entry.
  const match = parsePasswd(options.passwd).find((u) =>
    userArg === "" ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg,
  );
  let matchedName = "";
  if (match !== undefined) {
    matchedName = match.name;
    result.uid = match.uid;
    result.gid = match.gid;
    result.home = match.home;
  } else if (userArg !== "") {
    if (uidArg === undefined) throw unknownContainerUser(`unable to find user ${userArg}: ${NO_PASSWD}`);
    result.uid = uidArg;
  }

  const groups = parseGroup(options.group);
  if (groupArg !== "") {
    const gidArg = numericId(groupArg);
    const g = groups.find((e) => (gidArg !== undefined ? e.gid === gidArg : e.name === groupArg));
    if (g !== undefined) result.gid = g.gid;
    else if (gidArg !== undefined) result.gid = gidArg;
    else throw unknownContainerUser(`unable to find group ${groupArg}: ${NO_GROUP}`);
  } else if (matchedName !== "") {
    // Supplementary groups only in the implicit form (no explicit group), as runc.
    result.additionalGids = groups.filter((g) => g.members.includes(matchedName)).map((g) => g.gid);
  }

  for (const ag of options.groupAdd ?? []) {
    const g = groups.find((e) => e.name === ag || String(e.gid) === ag);
    let gid = g?.gid;
    if (gid === undefined) {
      gid = numericId(ag);
      if (gid === undefined) throw unknownContainerUser(`Unable to find group ${ag}: ${NO_GROUP}`);
    }
    if (!result.additionalGids.includes(gid)) result.additionalGids.push(gid);
  }
  return result;
}
