// .dockerignore with Docker's semantics (docs "dockerignore file"; moby patternmatcher): one
// pattern per line, `#` comments, patterns cleaned like filepath.Clean and made relative, `*`
// and `?` never cross `/`, `**` matches any number of directories, `!` re-includes, the last
// matching pattern wins, and a pattern that matches a directory matches everything under it.

import { posix } from "node:path";

export interface IgnorePattern {
  exclusion: boolean;
  cleaned: string;
  regexp: RegExp;
  dirs: number;
}

export function parseDockerignore(text: string): string[] {
  const out: string[] = [];
  text
    .replace(/^\ufeff/, "")
    .split(/\r?\n/)
    .forEach((raw) => {
      if (raw.startsWith("#")) return;
      let p = raw.trim();
      if (p === "") return;
      const invert = p.startsWith("!");
      if (invert) p = p.slice(1).trim();
      if (p.length > 0) {
        p = posix.normalize(p).replace(/\/+$/, "") || "/";
        if (p.length > 1 && p.startsWith("/")) p = p.slice(1);
      }
      out.push(invert ? "!" + p : p);
    });
  return out;
}

function compile(pattern: string): RegExp {
  let re = "^";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === "*") {
      if (chars[i + 1] === "*") {
        i++;
        if (chars[i + 1] === "/") {
          i++;
          re += "(.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "\\" && i + 1 < chars.length) re += escapeRe(chars[++i] ?? "");
    else if (c === "[") {
      const end = chars.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let body = chars.slice(i + 1, end).join("");
        if (body.startsWith("^") || body.startsWith("!")) body = "^" + body.slice(1);
        re += "[" + body + "]";
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(re + "$", "s");
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export class IgnoreMatcher {
  readonly patterns: IgnorePattern[];
  constructor(lines: readonly string[]) {
    this.patterns = lines
      .filter((l) => l !== "" && l !== "!")
      .map((l) => {
        const exclusion = l.startsWith("!");
        const cleaned = exclusion ? l.slice(1) : l;
        return { exclusion, cleaned, regexp: compile(cleaned), dirs: cleaned.split("/").length };
      });
  }

  get hasExclusions(): boolean {
    return this.patterns.some((p) => p.exclusion);
  }

  /** Whether `file` (context-relative, `/`-separated) is ignored. */
  matches(file: string): boolean {
    const path = posix.normalize(file).replace(/^\.\//, "");
    const parts = path.split("/");
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue; // only a pattern that could flip the state matters
      let hit = p.regexp.test(path);
      if (!hit && parts.length > 1) {
        for (let n = 1; n < parts.length && !hit; n++) {
          if (n < p.dirs) continue;
          hit = p.regexp.test(parts.slice(0, n).join("/"));
        }
      }
      if (hit) matched = !p.exclusion;
    }
    return matched;
  }
}
