import assert from "node:assert/strict";
import { test } from "node:test";

import { TemplateError } from "./go-template.ts";
import { contextJSON, ellipsis, isJSONFormat, isTableFormat, renderFormat, templateText } from "./table.ts";

// `docker context ls` row for the default context; the class name stands in for
// docker's *formatter.clientContextContext in error messages.
class T {
  Name(): string {
    return "default";
  }
  Description(): string {
    return "Current DOCKER_HOST based configuration";
  }
  DockerEndpoint(): string {
    return "unix:///var/run/docker.sock";
  }
  Current(): boolean {
    return true;
  }
  Error(): string {
    return "";
  }
  toJSON(): Record<string, unknown> {
    return contextJSON(this);
  }
}

const headers = {
  Name: "NAME",
  Description: "DESCRIPTION",
  DockerEndpoint: "DOCKER ENDPOINT",
  Error: "ERROR",
};
const defaultTable =
  "table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}";

// [format, stdout, error] printed by `docker context ls --format FORMAT` (docker 28.2.2).
const golden: [string, string, string][] = [
  [
    "table",
    "NAME        DESCRIPTION                               DOCKER ENDPOINT               ERROR\ndefault *   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock   \n",
    "",
  ],
  [
    "table {{.Name}}\t{{.Description}}",
    "NAME      DESCRIPTION\ndefault   Current DOCKER_HOST based configuration\n",
    "",
  ],
  [
    "table {{.Name}}\\t{{.Description}}\\t{{.DockerEndpoint}}\\t{{.Error}}",
    "NAME      DESCRIPTION                               DOCKER ENDPOINT               ERROR\ndefault   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock   \n",
    "",
  ],
  [
    "table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}",
    "NAME        DESCRIPTION                               DOCKER ENDPOINT               ERROR\ndefault *   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock   \n",
    "",
  ],
  [
    "table {{.Name}}\\tx\\nlonger-name-here\\tyy\\nz\\t\\tq",
    "NAME               x\nlonger-name-here   yy\nz                            q\ndefault            x\nlonger-name-here   yy\nz                            q\n",
    "",
  ],
  ["  table {{.Name}}  ", "table default\n", ""],
  ["table{{.Name}}", "NAME\ndefault\n", ""],
  ["tablefoo{{.Name}}", "fooNAME\nfoodefault\n", ""],
  ["table {{.Current}}\\t{{.Name}}", "<no value>   NAME\ntrue         default\n", ""],
  [
    "table {{json .Name}}\\t{{upper .Description}}\\t{{lower .Name}}",
    'NAME        DESCRIPTION                               NAME\n"default"   CURRENT DOCKER_HOST BASED CONFIGURATION   default\n',
    "",
  ],
  [
    "table {{.Nope}}",
    "",
    'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type T',
  ],
  ['table {{printf "%-20s" .Name}}|{{.Error}}', "NAME                |ERROR\ndefault             |\n", ""],
  ['table {{.Name | printf "%q"}}\\t{{len .Name}}', '"NAME"      4\n"default"   7\n', ""],
  [
    "json",
    '{"Current":true,"Description":"Current DOCKER_HOST based configuration","DockerEndpoint":"unix:///var/run/docker.sock","Error":"","Name":"default"}\n',
    "",
  ],
  [
    "{{json .}}",
    '{"Current":true,"Description":"Current DOCKER_HOST based configuration","DockerEndpoint":"unix:///var/run/docker.sock","Error":"","Name":"default"}\n',
    "",
  ],
  ["{{.Name}}\\t{{.Current}}", "default\ttrue\n", ""],
  ["raw", "raw\n", ""],
  [
    'table {{pad .Name 2 2}}\\t{{truncate .Description 5}}\\t{{split .Name "f"}}',
    "  NAME        DESCRIPTION   NAME\n  default     Curre         [de ault]\n",
    "",
  ],
  [
    'table {{index . "Name"}}',
    "",
    'template parsing error: template: :1:2: executing "" at <index . "Name">: error calling index: can\'t index item of type T',
  ],
  [
    "table 世界\\t{{.Name}}\\n日本語テキスト\\tx",
    "世界             NAME\n日本語テキスト   x\n世界             default\n日本語テキスト   x\n",
    "",
  ],
  [
    "table a\\tb\\tc\\n\\t\\t\\nlongcellvalue1234\\t\\tzz",
    "a                   b         c\n                              \nlongcellvalue1234             zz\na                   b         c\n                              \nlongcellvalue1234             zz\n",
    "",
  ],
  ["table {{.Name}}\\t{{.Error}}\\t", "NAME      ERROR     \ndefault             \n", ""],
];

function render(format: string): { out: string; err: string } {
  try {
    return {
      out: renderFormat({ format: format === "table" ? defaultTable : format, rows: [new T()], headers }),
      err: "",
    };
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return { out: "", err: e.message.replace(/in type T$/, "in type *T") };
  }
}

test("list output matches docker context ls", () => {
  for (const [format, out, err] of golden) {
    const want = { out, err: err.replace("in type T", "in type *T") };
    assert.deepEqual(render(format), want, format);
  }
});

test("tables print their header even without rows; other formats print nothing", () => {
  assert.equal(
    renderFormat({ format: "table {{.Name}}\t{{.Error}}", rows: [], headers }),
    "NAME      ERROR\n",
  );
  assert.equal(renderFormat({ format: "{{.Name}}", rows: [], headers }), "");
});

test("a header template that fails keeps what it wrote", () => {
  class Row {
    Label(k: string): string {
      return `v-${k}`;
    }
    Name(): string {
      return "n";
    }
  }
  const out = renderFormat({
    format: 'table {{.Name}}\t{{.Label "x"}}',
    rows: [new Row()],
    headers: { Name: "NAME" },
  });
  // The header stops at .Label (a map key cannot take arguments) after its tab.
  assert.equal(out, "NAME      \nn         v-x\n");
});

test("template errors are reported before any output", () => {
  assert.throws(() => renderFormat({ format: "{{.Name", rows: [new T()] }), {
    name: "TemplateError",
    message: "template parsing error: template: :1: unclosed action",
  });
});

test("format keys and template text", () => {
  assert.equal(isTableFormat("table"), true);
  assert.equal(isTableFormat("tablefoo"), true);
  assert.equal(isTableFormat(" table"), false);
  assert.equal(isJSONFormat("json"), true);
  assert.equal(isJSONFormat("{{json .}}"), false);
  assert.equal(templateText("table {{.A}}\\t{{.B}}"), "{{.A}}\t{{.B}}");
  assert.equal(templateText("json"), "{{json .}}");
  assert.equal(templateText("  {{.A}}\\n  "), "{{.A}}\n");
  assert.equal(templateText("\t{{.A}} "), "\t{{.A}}");
  assert.equal(templateText("table"), "");
});

test("ellipsis counts terminal columns", () => {
  const cases: [string, number, string][] = [
    ["t🐳ststring", 0, ""],
    ["t🐳ststring", 1, "t"],
    ["t🐳ststring", 2, "t…"],
    ["t🐳ststring", 6, "t🐳st…"],
    ["t🐳ststring", 20, "t🐳ststring"],
    ["你好世界teststring", 0, ""],
    ["你好世界teststring", 1, "你"],
    ["你好世界teststring", 3, "你…"],
    ["你好世界teststring", 6, "你好…"],
    ["你好世界teststring", 20, "你好世界teststring"],
    ["\"sh -c 'sleep 1000'\"", 20, "\"sh -c 'sleep 1000'\""],
    ["\"sh -c 'sleep 10000'\"", 20, "\"sh -c 'sleep 10000…"],
  ];
  for (const [s, width, want] of cases) assert.equal(ellipsis(s, width), want, `${s} ${width}`);
});

test("contextJSON: exported zero-argument methods and fields, sorted", () => {
  class Ctx {
    Zed = 1;
    hidden = 2;
    ID(): string {
      return "x";
    }
    Label(k: string): string {
      return k;
    }
    get Alpha(): string {
      return "a";
    }
    FullHeader(): unknown {
      return {};
    }
  }
  assert.equal(JSON.stringify(contextJSON(new Ctx())), '{"Alpha":"a","ID":"x","Zed":1}');
});
