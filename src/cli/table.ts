// docker/cli's formatter.Context: renders list output for a --format value.
//
//   "table"-prefixed formats: a header row (the same template run over the
//   command's Field->HEADER map) above the rows, aligned by the tabwriter;
//   "json": one {{json .}} line per row; anything else: one template line per row.
//
// Commands pick the format (their default table template, {{.ID}} for
// --quiet, ...) and hand the rows here, as docker commands call Context.Write.

import { headerFunctions, parseDockerTemplate, TemplateError, type GoTemplate } from "./go-template.ts";
import { htmlEscapedJSON } from "./go-value.ts";
import { displayWidth, tabwrite } from "./tabwriter.ts";

export const tableFormatKey = "table";
export const rawFormatKey = "raw";
export const prettyFormatKey = "pretty";
export const jsonFormatKey = "json";
export const defaultQuietFormat = "{{.ID}}";

/** Format.IsTable: docker only checks the prefix. */
export function isTableFormat(format: string): boolean {
  return format.startsWith(tableFormatKey);
}

/** Format.IsJSON: only the bare word "json" (not '{{json .}}'). */
export function isJSONFormat(format: string): boolean {
  return format === jsonFormatKey;
}

/**
 * The template text docker parses for a format (Context.preFormat): without
 * the "table" prefix, "json" as {{json .}}, spaces trimmed, and the two
 * characters \t and \n typed in the shell turned into a tab and a newline.
 */
export function templateText(format: string): string {
  let text = format;
  if (isTableFormat(format)) text = format.slice(tableFormatKey.length);
  else if (isJSONFormat(format)) text = "{{json .}}";
  text = text.replace(/^ +| +$/g, "");
  return text.replace(/\\t|\\n/g, (m) => (m === "\\t" ? "\t" : "\n"));
}

export interface RenderOptions {
  /** The final format (a command's default table template already substituted for "table"). */
  format: string;
  /** One template data value per output row. */
  rows: Iterable<unknown>;
  /** Field -> column header, e.g. { Repository: 'REPOSITORY', ID: 'IMAGE ID' }. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Renders rows as docker's Context.Write does. Nothing is returned for a bad
 * template: the error reads "template parsing error: template: ...".
 */
export function renderFormat({ format, rows, headers = {} }: RenderOptions): string {
  let tmpl: GoTemplate;
  try {
    tmpl = parseDockerTemplate(templateText(format));
  } catch (e) {
    throw wrapTemplateError(e);
  }
  let body = "";
  for (const row of rows) {
    try {
      body += tmpl.execute(row) + "\n";
    } catch (e) {
      throw wrapTemplateError(e);
    }
  }
  if (!isTableFormat(format)) return body;
  return tabwrite(renderHeader(tmpl, headers) + "\n" + body);
}

/** The header row: the row template run over the header map, errors cut it short. */
function renderHeader(tmpl: GoTemplate, headers: Readonly<Record<string, string>>): string {
  try {
    return tmpl.execute({ ...headers }, headerFunctions);
  } catch (e) {
    if (e instanceof TemplateError) return e.partial;
    throw e;
  }
}

function wrapTemplateError(e: unknown): unknown {
  if (!(e instanceof TemplateError)) return e;
  const wrapped = new TemplateError(`template parsing error: ${e.message}`, { cause: e });
  wrapped.partial = e.partial;
  return wrapped;
}

/**
 * formatter.Ellipsis: cuts `s` to `maxWidth` terminal columns ending in "…";
 * a width of 1 keeps the first character, 0 or less gives "".
 */
export function ellipsis(s: string, maxWidth: number): string {
  if (maxWidth <= 0) return "";
  const chars = [...s];
  if (maxWidth === 1) return chars[0] ?? "";
  if (displayWidth(s) <= maxWidth) return s;
  let width = 0;
  let out = "";
  for (const ch of chars) {
    const w = displayWidth(ch);
    if (width + w > maxWidth - 1) break;
    width += w;
    out += ch;
  }
  return out + "…";
}

/**
 * formatter.MarshalJSON: the JSON object of a list row is every exported
 * zero-argument method (or getter) of its context, keys sorted like a Go map.
 * Row classes use it as `toJSON() { return contextJSON(this); }`.
 */
export function contextJSON(ctx: object): Record<string, unknown> {
  const names = new Set<string>();
  for (
    let o: object | null = ctx;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  const out: Record<string, unknown> = {};
  for (const name of [...names].sort()) {
    if (!/^\p{Lu}/u.test(name) || name === "FullHeader") continue;
    const value: unknown = (ctx as Record<string, unknown>)[name];
    if (typeof value === "function") {
      if ((value as () => unknown).length === 0) out[name] = (value as () => unknown).call(ctx);
    } else {
      out[name] = value;
    }
  }
  Object.defineProperty(out, htmlEscapedJSON, { value: true, enumerable: false });
  return out;
}

/**
 * `headers` plus docker's SubHeaderContext.Label: the header of {{.Label "com.x-y"}} is "x y".
 * The template engine calls functions found in the header map, hence the cast.
 */
export function withLabelHeader(headers: Record<string, string>): Record<string, string> {
  return {
    ...headers,
    Label: (name: string): string => (name.split(".").pop() ?? "").replace(/[-_]/g, " "),
  } as unknown as Record<string, string>;
}
