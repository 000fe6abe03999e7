// An "ideal daemon" for client-side floors: serves, on a unix socket, bodies recorded from a real
// berthd (by bench/images-list.sh) and spends next to no time on them. `docker images` against
// it costs what the docker CLI itself needs to fetch, decode and print the same list.
// Usage: node bench/replay-server.mjs SOCKET DIR
//   DIR/ping-headers.json  {"api-version": "...", "server": "..."} from GET /_ping
//   DIR/version.json       body of GET /version
//   DIR/images.json        body of GET /images/json (optional)
//   DIR/containers.json    body of GET /containers/json (optional; bench/ps-list.sh, container-scale.sh)
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";

const [socket, dir] = process.argv.slice(2);
if (!socket || !dir) {
  console.error("usage: node bench/replay-server.mjs SOCKET DIR");
  process.exit(2);
}
const ping = JSON.parse(readFileSync(`${dir}/ping-headers.json`, "utf8"));
const routes = [
  [/\/images\/json$/, `${dir}/images.json`],
  [/\/containers\/json$/, `${dir}/containers.json`],
  [/\/version$/, `${dir}/version.json`],
]
  .filter(([, file]) => existsSync(file))
  .map(([pattern, file]) => [pattern, readFileSync(file)]);
const common = {
  "Api-Version": ping["api-version"],
  Server: ping.server ?? "replay",
  Ostype: "linux",
  "Docker-Experimental": "false",
};

rmSync(socket, { force: true });
const server = createServer((req, res) => {
  const path = (req.url ?? "").split("?")[0];
  if (path.endsWith("/_ping")) {
    res.writeHead(200, { ...common, "Content-Type": "text/plain; charset=utf-8", "Content-Length": 2 });
    res.end(req.method === "HEAD" ? undefined : "OK");
    return;
  }
  const body = routes.find(([pattern]) => pattern.test(path))?.[1];
  if (body === undefined) {
    res.writeHead(404, { ...common, "Content-Type": "application/json" });
    res.end(JSON.stringify({ message: `replay-server: no recording for ${path}` }));
    return;
  }
  res.writeHead(200, { ...common, "Content-Type": "application/json", "Content-Length": body.length });
  res.end(body);
});
server.listen(socket);
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => process.exit(0)));
