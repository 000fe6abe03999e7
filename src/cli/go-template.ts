// Go text/template for docker's --format flags. See go-value.ts for how
// JavaScript values map onto Go's, and go-template-funcs.ts for the functions.
//
//   const t = GoTemplate.parse('{{.Repository}}:{{.Tag}}', dockerFunctions);
//   t.execute(row);   // throws TemplateError with Go's message text

import { ExecState, type FuncMap } from "./go-template-exec.ts";
import { builtinFunctions, dockerFunctions } from "./go-template-funcs.ts";
import { parseTemplate, type ParsedTemplate } from "./go-template-parse.ts";

export { TemplateError } from "./go-template-parse.ts";
export type { FuncMap, ParamKind, TemplateFunc } from "./go-template-exec.ts";
export { dockerFunctions, goJSON, headerFunctions } from "./go-template-funcs.ts";
export { GoFloat, goStruct, goTypeTag } from "./go-value.ts";

export class GoTemplate {
  private constructor(
    private readonly text: string,
    private readonly name: string,
    private readonly tree: ParsedTemplate,
    private readonly funcs: FuncMap,
  ) {}

  /**
   * Parses `text`; identifiers must name a builtin or one of `funcs`.
   * Throws TemplateError("template: :1: function \"x\" not defined").
   */
  static parse(text: string, funcs: FuncMap = {}, name = ""): GoTemplate {
    const all: FuncMap = { ...builtinFunctions, ...funcs };
    const tree = parseTemplate(name, text, (fn) => Object.prototype.hasOwnProperty.call(all, fn));
    return new GoTemplate(text, name, tree, all);
  }

  /** Renders `data`; `funcs` replace same-named functions for this run (like Go's Funcs). */
  execute(data: unknown, funcs: FuncMap = {}): string {
    const state = new ExecState(
      { tmpl: this.tree, funcs: { ...this.funcs, ...funcs }, text: this.text, name: this.name },
      data,
    );
    return state.run(data);
  }
}

/** templates.Parse from docker/cli: an anonymous template with docker's functions. */
export function parseDockerTemplate(format: string): GoTemplate {
  return GoTemplate.parse(format, dockerFunctions);
}
