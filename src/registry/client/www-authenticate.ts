// Parses a WWW-Authenticate header (RFC 7235 section 4.1, as registries send it:
// docker-distribution auth-token.md "How to authenticate", e.g.
// `Bearer realm="https://auth.example/token",service="registry",scope="repository:x:pull"`).

export interface Challenge {
  /** Lower-cased scheme: "basic" or "bearer" (others are kept but unused). */
  scheme: string;
  params: Record<string, string>;
}

export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skipWs = (): void => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  while (i < s.length) {
    skipWs();
    while (s[i] === ",") {
      i++;
      skipWs();
    }
    const scheme = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(s.slice(i))?.[0];
    if (scheme === undefined) break;
    i += scheme.length;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    // auth-params: name=value or name="quoted", separated by commas, until the next scheme.
    for (;;) {
      skipWs();
      const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(s.slice(i));
      if (!m?.[1]) break;
      i += m[0].length;
      let value = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const v = /^[^,\s]*/.exec(s.slice(i))?.[0] ?? "";
        value = v;
        i += v.length;
      }
      challenge.params[m[1].toLowerCase()] = value;
      skipWs();
      if (s[i] === ",") {
        i++;
        continue;
      }
      break;
    }
  }
  return out;
}
