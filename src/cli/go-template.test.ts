import assert from "node:assert/strict";
import { test } from "node:test";

import { GoTemplate, goStruct, parseDockerTemplate, TemplateError, headerFunctions } from "./go-template.ts";
import { GoFloat } from "./go-value.ts";

// The data `docker context inspect` renders for the default context; the golden
// outputs below came from `docker context inspect --format FORMAT` (docker 28.2.2).
const contextData = goStruct("context.contextWithTLSListing", {
  Name: "default",
  Metadata: {},
  Endpoints: {
    docker: goStruct("context.EndpointMetaBase", {
      Host: "unix:///var/run/docker.sock",
      SkipTLSVerify: false,
    }),
  },
  TLSMaterial: {},
  Storage: goStruct("store.StorageInfo", { MetadataPath: "<IN MEMORY>", TLSPath: "<IN MEMORY>" }),
});

// [format, output, error] with docker's "template parsing error: " prefix removed.
const golden: [string, string, string][] = [
  ["{{.Name}}", "default", ""],
  [
    "{{.Nope}}",
    "",
    'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type context.contextWithTLSListing',
  ],
  ["{{.Name.x}}", "", 'template: :1:7: executing "" at <.Name.x>: can\'t evaluate field x in type string'],
  ["{{.Endpoints}}", "map[docker:{unix:///var/run/docker.sock false}]", ""],
  ["{{.Endpoints.docker}}", "{unix:///var/run/docker.sock false}", ""],
  ["{{.Endpoints.docker.Host}}", "unix:///var/run/docker.sock", ""],
  ["{{.Endpoints.nope}}", "<no value>", ""],
  ["{{.Endpoints.nope.x}}", "<no value>", ""],
  ["{{.Storage}}", "{<IN MEMORY> <IN MEMORY>}", ""],
  ["{{.TLSMaterial}}", "map[]", ""],
  ['{{index .Endpoints "nope"}}', "<no value>", ""],
  ["{{index .Name 1}}", "101", ""],
  [
    '{{index .Endpoints.docker "x"}}',
    "",
    'template: :1:2: executing "" at <index .Endpoints.docker "x">: error calling index: can\'t index item of type context.EndpointMetaBase',
  ],
  ["{{range $k, $v := .Endpoints}}{{$k}}={{$v.Host}};{{end}}", "docker=unix:///var/run/docker.sock;", ""],
  ["{{range .Endpoints}}{{.}}{{end}}", "{unix:///var/run/docker.sock false}", ""],
  ['{{range $i, $e := split "a,b,c" ","}}{{$i}}={{$e}};{{end}}', "0=a;1=b;2=c;", ""],
  ['{{range $e := split "a,b" ","}}{{$e}};{{end}}', "a;b;", ""],
  ["{{range 3}}{{.}}{{end}}", "012", ""],
  ["{{range $i := 3}}{{$i}}{{end}}", "012", ""],
  [
    "{{range $i, $j := 3}}{{$i}}{{end}}",
    "",
    'template: :1:18: executing "" at <3>: can\'t use 3 to iterate over more than one variable',
  ],
  [
    "{{range .Name}}{{.}}{{end}}",
    "",
    'template: :1:8: executing "" at <.Name>: range can\'t iterate over default',
  ],
  ["{{range .TLSMaterial}}x{{else}}empty{{end}}", "empty", ""],
  ['{{range split "a,b,c" ","}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', "a", ""],
  ['{{range split "a,b,c" ","}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', "ac", ""],
  ["{{with .Name}}<{{.}}>{{end}}", "<default>", ""],
  ["{{with .TLSMaterial}}x{{else}}none{{end}}", "none", ""],
  ["{{with $x := .Name}}{{$x}}{{end}}", "default", ""],
  ["{{if .Name}}a{{else if .Nope}}b{{end}}", "a", ""],
  ['{{if not .Name}}a{{else if eq .Name "default"}}b{{else}}c{{end}}', "b", ""],
  ["{{$x := 1}}{{$x = 2}}{{$x}}", "2", ""],
  ["{{$.Name}}", "default", ""],
  ["{{$nope}}", "", 'template: :1: undefined variable "$nope"'],
  ["{{ $x = 1 }}", "", 'template: :1:8: executing "" at <1>: undefined variable: $x'],
  ['{{if and 1 0}}y{{else}}n{{end}} {{and 1 2}} {{or 0 "" "z"}} {{not 0}} {{or 0 ""}}', "n 2 z true ", ""],
  [
    "{{and}}",
    "",
    'template: :1:2: executing "" at <and>: wrong number of args for and: want at least 1 got 0',
  ],
  [
    "{{.Name | upper | lower | title}} {{pad .Name 1 2}}| {{truncate .Name 3}} {{truncate .Name 30}}",
    "Default  default  | def default",
    "",
  ],
  ['{{join (split "a b c" " ") "-"}}', "a-b-c", ""],
  ['{{title "hello wORLD foo-bar o\'neil x_y"}}', "Hello WORLD Foo-Bar O'Neil X_y", ""],
  ['{{split "abc" ""}}', "[a b c]", ""],
  [
    "{{json .}}",
    '{"Name":"default","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///var/run/docker.sock","SkipTLSVerify":false}},"TLSMaterial":{},"Storage":{"MetadataPath":"<IN MEMORY>","TLSPath":"<IN MEMORY>"}}',
    "",
  ],
  ["{{json .Endpoints}}", '{"docker":{"Host":"unix:///var/run/docker.sock","SkipTLSVerify":false}}', ""],
  ["{{json .Name}}", '"default"', ""],
  ['{{json "<a&b>\\u2028\\u2029\\t\\x01"}}', '"<a&b>\\u2028\\u2029\\t\\u0001"', ""],
  ["{{json nil}}", "null", ""],
  ["{{json 1.5}}", "1.5", ""],
  ['{{json (split "a,b" ",")}}', '["a","b"]', ""],
  ["{{nope}}", "", 'template: :1: function "nope" not defined'],
  ["{{.Name !}}", "", 'template: :1: unexpected "!" in operand'],
  ["{{}}", "", "template: :1: missing value for command"],
  ["{{if}}", "", "template: :1: missing value for if"],
  ['{{"abc}}', "", "template: :1: unterminated quoted string"],
  ["{{`abc}}", "", "template: :1: unterminated raw quoted string"],
  ["{{1x}}", "", 'template: :1: bad number syntax: "1x"'],
  ["{{3.Name}}", "", 'template: :1: bad number syntax: "3.N"'],
  ["{{/* x }}", "", "template: :1: unclosed comment"],
  ["{{/* x */ .Name}}", "", "template: :1: comment ends before closing delimiter"],
  ["a{{/* c */}}b", "ab", ""],
  ["a {{- /* c */ -}} b", "ab", ""],
  ["{{break}}", "", "template: :1: {{break}} outside {{range}}"],
  ["{{range $a, $b, $c := .Endpoints}}{{end}}", "", "template: :1: too many declarations in range"],
  ["{{(.Name}}", "", "template: :1: unclosed left paren"],
  ["{{.Name)}}", "", "template: :1: unexpected right paren"],
  ['{{.Name | "a"}}', "", "template: :1: non executable command in pipeline stage 2"],
  ["{{nil}}", "", 'template: :1:2: executing "" at <nil>: nil is not a command'],
  ["{{3 4}}", "", 'template: :1:2: executing "" at <3>: can\'t give argument to non-function 3'],
  [
    "{{.Name 4}}",
    "",
    'template: :1:2: executing "" at <.Name>: Name has arguments but cannot be invoked as function',
  ],
  ["{{else}}", "", "template: :1: unexpected {{else}}"],
  ["{{end}}", "", "template: :1: unexpected {{end}}"],
  ["{{if .Name}}x", "", "template: :1: unexpected EOF"],
  ["{{if 1}}{{else}}{{else}}{{end}}", "", "template: :1: expected end; found {{else}}"],
  ["{{$x := }}", "", "template: :1: missing value for command"],
  ['{{.Name | printf "%q"}}', '"default"', ""],
  ['{{.Name | printf "%s-%s" "x"}}', "x-default", ""],
  ['{{printf "%s" | len}}', "12", ""],
  ['{{printf "%d" "x"}}', "%!d(string=x)", ""],
  ['{{printf "%s %s" "x"}}', "x %!s(MISSING)", ""],
  ['{{printf "%s" "x" 1 true}}', "x%!(EXTRA int=1, bool=true)", ""],
  ['{{printf "%z" 3}}', "%!z(int=3)", ""],
  ['{{printf "x%"}}', "x%!(NOVERB)", ""],
  ['{{print 1 2 "a" "b" 3 .Storage nil}}', "1 2ab3 {<IN MEMORY> <IN MEMORY>} <nil>", ""],
  ['{{println 1 "a"}}', "1 a\n", ""],
  [
    "{{3.0}} {{1e6}} {{1.5e-7}} {{0x10}} {{1_000}} {{'a'}} {{-3}} {{+4}} {{0.1}} {{123456789.0}} {{1e21}} {{100000.0}} {{1000000}} {{0o17}} {{0b101}} {{017}}",
    "3 1e+06 1.5e-07 16 1000 97 -3 4 0.1 1.23456789e+08 1e+21 100000 1000000 15 5 15",
    "",
  ],
  ['{{"a\\tb\\n\\x41\\u00e9\\101"}} {{`raw\\n`}}', "a\tb\nAéA raw\\n", ""],
  [
    '{{eq 1 1}} {{eq "a" "a" "b"}} {{eq "c" "a" "b"}} {{eq nil nil}} {{eq .Nope2x 1}}',
    "",
    'template: :1:69: executing "" at <.Nope2x>: can\'t evaluate field Nope2x in type context.contextWithTLSListing',
  ],
  [
    '{{eq "a" 1}}',
    "",
    'template: :1:2: executing "" at <eq "a" 1>: error calling eq: incompatible types for comparison',
  ],
  [
    '{{lt 1 2}} {{lt "b" "a"}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}} {{ne 1 2}}',
    "true false true true false true",
    "",
  ],
  [
    "{{lt true false}}",
    "",
    'template: :1:2: executing "" at <lt true false>: error calling lt: invalid type for comparison',
  ],
  ["{{len 3}}", "", 'template: :1:2: executing "" at <len 3>: error calling len: len of type int'],
  [
    "{{len nil}}",
    "",
    'template: :1:2: executing "" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value',
  ],
  ['{{len .Name}} {{len .Endpoints}} {{len (split "a,b" ",")}} {{len "é"}}', "7 1 2 2", ""],
  ['{{index (split "a,b" ",") 1}}', "b", ""],
  [
    '{{index (split "a,b" ",") 5}}',
    "",
    'template: :1:2: executing "" at <index (split "a,b" ",") 5>: error calling index: index out of range: 5',
  ],
  [
    '{{index (split "a,b" ",") "x"}}',
    "",
    'template: :1:2: executing "" at <index (split "a,b" ",") "x">: error calling index: cannot index slice/array with type string',
  ],
  ['{{slice .Name 1 3}} {{slice .Name 2}} {{slice (split "a,b,c" ",") 1}}', "ef fault [b c]", ""],
  [
    "{{slice .Name 3 1}}",
    "",
    'template: :1:2: executing "" at <slice .Name 3 1>: error calling slice: invalid slice index: 3 > 1',
  ],
  [
    '{{html "<a href=\'x\'>&\\"</a>"}} {{js "a\'b\\"c<d>=&\\\\"}} {{urlquery "a b&c=d/é~"}}',
    "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt; a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026\\\\ a+b%26c%3Dd%2F%C3%A9~",
    "",
  ],
  ["{{upper 3}}", "", 'template: :1:8: executing "" at <3>: expected string; found 3'],
  [
    "{{upper .Endpoints}}",
    "",
    'template: :1:8: executing "" at <.Endpoints>: wrong type for value; expected string; got map[string]interface {}',
  ],
  [
    "{{pad .Name .Name 1}}",
    "",
    'template: :1:12: executing "" at <.Name>: wrong type for value; expected int; got string',
  ],
  ['{{pad .Name "x" 1}}', "", 'template: :1:12: executing "" at <"x">: expected integer; found "x"'],
  ["{{upper nil}}", "", 'template: :1:8: executing "" at <nil>: cannot assign nil to string'],
  [
    "{{eq .Endpoints .Endpoints}}",
    "",
    'template: :1:2: executing "" at <eq .Endpoints .Endpoints>: error calling eq: non-comparable type map[docker:{unix:///var/run/docker.sock %!s(bool=false)}]: map[string]interface {}',
  ],
  ['{{pad "" 2 2}}|{{pad "a" 0 0}}|', "|a|", ""],
  ['{{truncate "héllo" 2}}', "h�", ""],
  ['{{define "x"}}X{{.}}{{end}}{{template "x" 5}}', "X5", ""],
  ['{{define "x"}}X{{end}}{{template "x"}}', "X", ""],
  ['{{template "y"}}', "", 'template: :1:11: executing "" at <{{template "y"}}>: template "y" not defined'],
  ['{{block "b" .Name}}[{{.}}]{{end}}', "[default]", ""],
  ['{{- "a" -}}', "a", ""],
  ["  {{- 3 -}}  x", "3x", ""],
  ["{{-3}}", "-3", ""],
  ["{{.Name\n}}", "default", ""],
  ["a\n{{nope}}", "", 'template: :2: function "nope" not defined'],
  [
    '{{printf "%v" .Endpoints.docker}} {{printf "%+v" .Storage}}',
    "{unix:///var/run/docker.sock false} {MetadataPath:<IN MEMORY> TLSPath:<IN MEMORY>}",
    "",
  ],
  ["{{.Storage.TLSPath | len}}", "11", ""],
  [
    '{{(.Storage).TLSPath}} {{(index .Endpoints "docker").Host}}',
    "<IN MEMORY> unix:///var/run/docker.sock",
    "",
  ],
  [
    "{{.Storage.Nope}}",
    "",
    'template: :1:10: executing "" at <.Storage.Nope>: can\'t evaluate field Nope in type store.StorageInfo',
  ],
  ["{{$e := .Endpoints}}{{$e.docker.Host}}", "unix:///var/run/docker.sock", ""],
  ['{{"x".y}}', "", 'template: :1: unexpected . after term "\\"x\\""'],
  [
    "{{.Name | .Name}}",
    "",
    'template: :1:10: executing "" at <.Name>: Name has arguments but cannot be invoked as function',
  ],
  ['{{.Name | len | printf "%03d"}}', "007", ""],
  ["{{if eq (len .Name) 7}}seven{{end}}", "seven", ""],
  [
    '{{range $i, $e := split "a,b" ","}}{{$i}}{{else}}none{{end}}|{{range split "" ","}}[{{.}}]{{end}}',
    "01|[]",
    "",
  ],
  [
    '{{printf "%5.1f|%-8s|%08.3f|%+d|%x|%X|%o|%b|%c|%U|%e|%g|%G|%10.4g|%T|%T|%T" 3.14159 "ab" 3.14159 5 "hi" 255 8 5 65 65 1234.5678 0.000012345 1e21 1234.5678 1 "s" 1.5}}',
    "  3.1|ab      |0003.142|+5|6869|FF|10|101|A|U+0041|1.234568e+03|1.2345e-05|1E+21|      1235|int|string|float64",
    "",
  ],
  [
    '{{printf "%q %v %s %d" .Endpoints .Endpoints .Storage .Name}}',
    'map["docker":{"unix:///var/run/docker.sock" %!q(bool=false)}] map[docker:{unix:///var/run/docker.sock false}] {<IN MEMORY> <IN MEMORY>} %!d(string=default)',
    "",
  ],
  ['{{printf "%5s|%-5s|%.2s|%05s" "ab" "ab" "abc" "ab"}}', "   ab|ab   |ab|000ab", ""],
  ['{{printf "%v %d" (split "a b" " ") (split "1 2" " ")}}', "[a b] [%!d(string=1) %!d(string=2)]", ""],
  ['{{printf "%6.2f%%" 12.3456}}', " 12.35%", ""],
  ['{{printf "%t %v" true false}}', "true false", ""],
  [
    '{{printf "%d" true}} {{printf "%s" 3}} {{printf "%s" nil}} {{printf "%d" 1.5}}',
    "%!d(bool=true) %!s(int=3) %!s(<nil>) %!d(float64=1.5)",
    "",
  ],
  ['{{printf "%q" "a\\tb\\u00e9\\u2028\\x01"}}', '"a\\tbé\\u2028\\x01"', ""],
  [
    '{{printf "%.3g|%.4g|%g|%.0f|%.0f|%.1f|%.2f" 1.0625 999.99 100000.0 0.5 1.5 0.25 2.675}}',
    "1.06|1000|100000|0|2|0.2|2.67",
    "",
  ],
  [
    '{{printf "%x|%X|% d|%+.2e|%#x|%#o|%08.2f|%-8.2f|%+08d" 255 "hi" 5 12345.678 255 8 -3.14159 3.14159 -42}}',
    "ff|6869| 5|+1.23e+04|0xff|010|-0003.14|3.14    |-0000042",
    "",
  ],
  ['{{printf "%3c|%-4q|%#q|%+q|%x" 65 "a" "b`c" "é" -255}}', '  A|"a" |"b`c"|"\\u00e9"|-ff', ""],
  ['{{printf "%v|%v|%v|%v" 1e20 1e-5 0.0001 123456.0}}', "1e+20|1e-05|0.0001|123456", ""],
  ['{{printf "%5v|%-5v|%05v" 42 "ab" 7}}', "   42|ab   |00007", ""],
  ['{{printf "%5v" (split "a b" " ")}}', "[    a     b]", ""],
  ['{{printf "%s" .Storage}}', "{<IN MEMORY> <IN MEMORY>}", ""],
  ['{{printf "%d %d" 1}}', "1 %!d(MISSING)", ""],
  ['{{printf "%!"}}', "%!!(MISSING)", ""],
  ['{{printf "%[2]s %[1]s" "a" "b"}}', "b a", ""],
  ['{{printf "%[3]s" "a"}}', "%!s(BADINDEX)", ""],
  ['{{printf "%.*f" 2 3.14159}}', "3.14", ""],
  ['{{printf "%*d|%-*d|" 5 1 4 2}}', "    1|2   |", ""],
  ['{{printf "%.1f %.1f %.1f %.1f" 0.05 0.15 0.25 0.35}}', "0.1 0.1 0.2 0.3", ""],
  ['{{printf "%.0f %.0f %.0f" 2.5 3.5 -0.5}}', "2 4 -0", ""],
  ['{{printf "%g %g %g" 1e6 1e5 0.00001}}', "1e+06 100000 1e-05", ""],
  ['{{printf "%e" 0.0}} {{printf "%g" 0.0}} {{printf "%.3e" 1.0}}', "0.000000e+00 0 1.000e+00", ""],
  ['{{printf "%08.3e" -1234.5}}', "-1.234e+03", ""],
];

function render(format: string, data: unknown = contextData): { out: string; err: string } {
  try {
    return { out: parseDockerTemplate(format).execute(data), err: "" };
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return { out: "", err: e.message };
  }
}

test("templates render like docker 28", () => {
  for (const [format, out, err] of golden) {
    assert.deepEqual(render(format), { out, err }, format);
  }
});

test("JavaScript Maps are Go maps: sorted, missing keys give <no value>", () => {
  const m = new Map<string, unknown>([
    ["b", 2],
    ["a", 1],
  ]);
  assert.equal(render("{{range $k, $v := .}}{{$k}}={{$v}} {{end}}", m).out, "a=1 b=2 ");
  assert.equal(render("{{.c}}|{{.a}}|{{len .}}", m).out, "<no value>|1|2");
  assert.equal(render("{{json .}}", m).out, '{"a":1,"b":2}');
});

test("plain objects are maps, class instances are structs", () => {
  assert.equal(render("{{.Missing}}", { Present: 1 }).out, "<no value>");
  class Row {
    ID = "abc";
  }
  assert.equal(
    render("{{.Missing}}", new Row()).err,
    `template: :1:2: executing "" at <.Missing>: can't evaluate field Missing in type Row`,
  );
  assert.equal(
    render("{{.toString}}", new Row()).err.endsWith("can't evaluate field toString in type Row"),
    true,
  );
});

test("methods are called, with arguments and piped finals", () => {
  class Ctx {
    constructor(private readonly labels: Record<string, string>) {}
    ID(): string {
      return "sha256:1234";
    }
    Label(name: string): string {
      return this.labels[name] ?? "";
    }
    get Size(): string {
      return "1MB";
    }
  }
  const c = new Ctx({ a: "x", b: "y" });
  assert.equal(render('{{.ID}} {{.Label "a"}} {{"b" | .Label}} {{.Size}}', c).out, "sha256:1234 x y 1MB");
  assert.equal(
    render("{{.Label}}", c).err,
    'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0',
  );
  assert.equal(
    render('{{.ID "x"}}', c).err,
    'template: :1:2: executing "" at <.ID>: wrong number of args for ID: want 0 got 1',
  );
});

test('index gives "" for missing labels and typed-nil maps', () => {
  assert.equal(render('[{{index .Labels "x"}}]', { Labels: { a: "b" } }).out, "[]");
  assert.equal(render('[{{index .Labels "x"}}]', { Labels: null }).out, "[]");
  assert.equal(render('[{{index .Labels "a"}}]', { Labels: { a: "b" } }).out, "[b]");
  assert.equal(render('{{index .M "x"}}', { M: { a: 1 } }).out, "<no value>");
  assert.equal(
    render("{{index .L 1 }}", {
      L: [
        [1, 2],
        ["p", "q"],
      ],
    }).out,
    "[p q]",
  );
  assert.equal(
    render("{{index .L 1 0}}", {
      L: [
        [1, 2],
        ["p", "q"],
      ],
    }).out,
    "p",
  );
});

test("explicit nil cannot be dereferenced, missing values can", () => {
  assert.equal(render("{{.A.B}}", { A: undefined }).out, "<no value>");
  assert.equal(
    render("{{.A.B}}", { A: null }).err,
    'template: :1:4: executing "" at <.A.B>: nil pointer evaluating interface {}.B',
  );
  assert.equal(render("{{.A}}", { A: null }).out, "<no value>");
  assert.equal(render("{{if .A}}y{{else}}n{{end}}", { A: null }).out, "n");
});

test("float literals keep their float64 type", () => {
  assert.equal(
    render('{{1e6}} {{1000000}} {{2.0}} {{printf "%T %T" 1.0 1}}').out,
    "1e+06 1000000 2 float64 int",
  );
  assert.equal(render("{{.F}}", { F: new GoFloat(5e6) }).out, "5e+06");
  assert.equal(render('{{pad "x" 1.0 0}}').out, " x");
});

test("truth follows text/template", () => {
  const cases: [unknown, boolean][] = [
    [0, false],
    [1, true],
    ["", false],
    ["0", true],
    [[], false],
    [[0], true],
    [{}, false],
    [{ a: 1 }, true],
    [new Map(), false],
    [null, false],
    [false, false],
    [new GoFloat(0), false],
    [goStruct("T", {}), true],
  ];
  for (const [v, want] of cases) {
    assert.equal(render("{{if .V}}t{{else}}f{{end}}", { V: v }).out, want ? "t" : "f", JSON.stringify(v));
  }
});

test("docker functions", () => {
  const cases: [string, string][] = [
    ['{{join .L ", "}}', "a, b, 3"],
    ['{{join .N ","}}', ""],
    ['{{split "a,,b" ","}}', "[a  b]"],
    ['{{title "über straße"}}', "Über Straße"],
    ['{{upper "abc"}}{{lower "ABC"}}', "ABCabc"],
    ['{{pad "" 3 3}}|{{pad "a" 1 0}}|', "| a|"],
    ['{{truncate "abcdef" 6}}|{{truncate "abcdef" 5}}|{{truncate "ab" 0}}', "abcdef|abcde|"],
    ["{{json .L}}", '["a","b",3]'],
    ['{{json "<&>"}}', '"<&>"'],
    ["{{json .}}", '{"L":["a","b",3],"N":null}'],
  ];
  for (const [format, want] of cases)
    assert.equal(render(format, { L: ["a", "b", 3], N: null }).out, want, format);
  assert.equal(
    render('{{truncate "ab" -1}}').err,
    'template: :1:2: executing "" at <truncate "ab" -1>: error calling truncate: runtime error: slice bounds out of range [:-1]',
  );
});

test("header functions leave header text intact", () => {
  const t = parseDockerTemplate('{{json .A}}|{{upper .B}}|{{truncate .A 1}}|{{split .A ","}}|{{pad .B 1 1}}');
  assert.equal(t.execute({ A: "NAME", B: "size" }, headerFunctions), "NAME|size|NAME|NAME| size ");
});

test("errors keep the output written before them", () => {
  try {
    parseDockerTemplate("a{{.X}}b{{.Nope.Y}}c").execute(goStruct("T", { X: 1 }));
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(e instanceof TemplateError);
    assert.equal(e.partial, "a1b");
  }
});

test("positions count lines and bytes", () => {
  assert.equal(
    render("é\n  {{.Nope}}", goStruct("T", {})).err,
    `template: :2:4: executing "" at <.Nope>: can't evaluate field Nope in type T`,
  );
  assert.equal(render("éé{{.Nope}}", goStruct("T", {})).err.startsWith("template: :1:6:"), true);
});

test("custom functions and names", () => {
  const t = GoTemplate.parse(
    "{{double 21}} {{greet}}",
    {
      double: { params: ["int"], fn: (n) => (n as number) * 2 },
      greet: { params: [], fn: () => "hi" },
    },
    "mine",
  );
  assert.equal(t.execute(null), "42 hi");
  assert.throws(() => GoTemplate.parse("{{json .}}"), {
    message: 'template: :1: function "json" not defined',
  });
  assert.throws(() => GoTemplate.parse("{{if}}", {}, "named"), {
    message: "template: named:1: missing value for if",
  });
});

test("range over maps, break and continue, variable scoping", () => {
  assert.equal(
    render("{{range $i, $e := .}}{{if eq $i 2}}{{break}}{{end}}{{$e}}{{end}}", ["a", "b", "c", "d"]).out,
    "ab",
  );
  assert.equal(
    render('{{range .}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', ["a", "b", "c"]).out,
    "ac",
  );
  assert.equal(render("{{$x := 1}}{{range .}}{{$x = .}}{{end}}{{$x}}", [5, 6]).out, "6");
  assert.equal(render("{{range $v := .}}{{$v}}{{end}}", { b: 2, a: 1 }).out, "12");
  assert.equal(render('{{with $x := "v"}}{{$x}}{{end}}{{if true}}{{$y := 2}}{{$y}}{{end}}').out, "v2");
  assert.throws(() => GoTemplate.parse("{{if true}}{{$y := 2}}{{end}}{{$y}}"), {
    message: 'template: :1: undefined variable "$y"',
  });
});

test("html, js and urlquery escape like Go", () => {
  assert.equal(
    render(`{{html "<a href='x'>&\\"</a>"}}`).out,
    "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;",
  );
  assert.equal(render('{{js "a\'b\\"c<d>=&\\\\"}}').out, "a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026\\\\");
  assert.equal(render('{{urlquery "a b&c=d/é~"}}').out, "a+b%26c%3Dd%2F%C3%A9~");
});
