// Pulls an image the way the docker CLI does: default tag added with a notice, credentials of
// the image's registry sent as X-Registry-Auth, the progress stream drawn as bars.
import { ApiError } from "../client/index.ts";
import type { CliContext } from "./cli-context.ts";
import { encodeAuthHeader, getCredentials, registryOfImage } from "./docker-config.ts";
import { displayProgress } from "./progress-display.ts";
import { splitRepoTag } from "./repo-tag.ts";

export interface PullOptions {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
  /** Where the progress goes (run/create draw it on stderr). */
  out?: NodeJS.WriteStream;
}

/** repo and tag-or-digest as /images/create wants them. */
export function splitImage(image: string): { repo: string; tag: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { repo: image.slice(0, at), tag: image.slice(at + 1) };
  return splitRepoTag(image);
}

/** `busybox:latest` → `docker.io/library/busybox:latest`, as the docker CLI prints after a pull. */
export function fullName(image: string): string {
  const registry = registryOfImage(image);
  if (registry !== "docker.io") return image;
  const rest = image.startsWith("docker.io/") ? image.slice("docker.io/".length) : image;
  const { repo } = splitImage(rest);
  return `docker.io/${repo.includes("/") ? "" : "library/"}${rest}`;
}

export async function pullImage(ctx: CliContext, image: string, options: PullOptions = {}): Promise<string> {
  const out = options.out ?? ctx.stdout;
  const { repo, tag: given } = splitImage(image);
  let tag = given;
  let name = image;
  if (tag === "" && !options.allTags) {
    tag = "latest";
    name = `${image}:latest`;
    if (!options.quiet) out.write("Using default tag: latest\n");
  }
  const res = await ctx.client.stream("POST", "/images/create", {
    query: { fromImage: repo, tag, platform: options.platform || undefined },
    headers: { "X-Registry-Auth": encodeAuthHeader(getCredentials(registryOfImage(repo))) },
  });
  if (options.quiet) await displayProgress(res, devNull, { tty: false });
  else await displayProgress(res, out, { tty: out.isTTY === true });
  return options.allTags ? fullName(repo) : fullName(name);
}

const devNull = { write: () => true } as unknown as NodeJS.WritableStream;

/**
 * run/create's `--pull`: "always" pulls first; "missing" pulls after the daemon answers "No such
 * image" and tries again (what the docker CLI does); "never" only tries.
 */
export async function withPull<T>(
  ctx: CliContext,
  image: string,
  policy: string,
  platform: string,
  create: () => Promise<T>,
): Promise<T> {
  if (!["always", "missing", "never"].includes(policy)) {
    throw new Error(`invalid pull option: '${policy}': must be one of "always", "missing" or "never"`);
  }
  const { tag } = splitImage(image);
  const tagged = tag === "" ? `${image}:latest` : image;
  if (policy === "always") await pullImage(ctx, tagged, { out: ctx.stderr, platform });
  try {
    return await create();
  } catch (err) {
    if (
      policy !== "missing" ||
      !(err instanceof ApiError) ||
      err.status !== 404 ||
      !/^No such image/.test(err.message)
    )
      throw err;
    ctx.stderr.write(`Unable to find image '${tagged}' locally\n`);
    await pullImage(ctx, tagged, { out: ctx.stderr, platform });
    return create();
  }
}
