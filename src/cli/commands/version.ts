// berth version: client and server versions, in docker's layout or a --format template.
import { platform } from "node:os";
import { API_VERSION, type SystemVersion } from "../../api/types/index.ts";
import { command, FORMAT_HELP } from "../cli-context.ts";
import { goStruct } from "../go-template.ts";
import { renderFormat } from "../table.ts";
import { CLIENT_VERSION } from "../client-version.ts";

export { CLIENT_VERSION };

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

const DEFAULT_TEMPLATE = `Client:
 Version:           {{.Client.Version}}
 API version:       {{.Client.APIVersion}}
 Node version:      {{.Client.GoVersion}}
 OS/Arch:           {{.Client.Os}}/{{.Client.Arch}}
{{- if .ServerOK}}

Server: {{.Server.Platform.Name}}
 Engine:
  Version:          {{.Server.Version}}
  API version:      {{.Server.APIVersion}} (minimum version {{.Server.MinAPIVersion}})
  Node version:     {{.Server.GoVersion}}
  Git commit:       {{.Server.GitCommit}}
  Built:            {{.Server.BuildTime}}
  OS/Arch:          {{.Server.Os}}/{{.Server.Arch}}
  Experimental:     {{.Server.Experimental}}
  Kernel version:   {{.Server.KernelVersion}}
{{- range .Server.Components}}{{if ne .Name "Engine"}}
 {{.Name}}:
  Version:          {{.Version}}
  GitCommit:        {{.Details.GitCommit}}
{{- end}}{{end}}
{{- end}}
`;

export const versionCommand = command({
  paths: [["version"]],
  spec: {
    path: "berth version",
    usage: "[OPTIONS]",
    description: "Show the berth version information",
    args: "none",
    flags: { format: { type: "string", short: "f", description: FORMAT_HELP } },
  },
  async run(ctx, flags) {
    const client = goStruct("ClientVersion", {
      Platform: { Name: "berth" },
      Version: CLIENT_VERSION,
      APIVersion: API_VERSION,
      DefaultAPIVersion: API_VERSION,
      GitCommit: process.env.BERTH_COMMIT ?? "dev",
      GoVersion: process.version,
      Os: platform(),
      Arch: GOARCH[process.arch] ?? process.arch,
      BuildTime: process.env.BERTH_BUILD_TIME ?? "",
      Context: "default",
    });
    let server: SystemVersion | undefined;
    let serverError: Error | undefined;
    try {
      server = await ctx.client.json<SystemVersion>("GET", "/version");
    } catch (err) {
      serverError = err as Error;
    }
    const data = goStruct("VersionInfo", {
      Client: client,
      Server:
        server &&
        goStruct("ServerVersion", { Experimental: false, ...server, APIVersion: server.ApiVersion }),
      ServerOK: server !== undefined,
    });
    const format = flags.format || DEFAULT_TEMPLATE;
    if (format === "json")
      ctx.stdout.write(JSON.stringify({ Client: client, Server: server ?? null }) + "\n");
    else ctx.stdout.write(renderFormat({ format, rows: [data] }).replace(/\n\n$/, "\n"));
    if (serverError) {
      ctx.stderr.write(`${serverError.message}\n`);
      return 1;
    }
    return 0;
  },
});
