// Ways to break image archives and layers on purpose, for tests of bad input: damaged bytes,
// short files, lying descriptors, missing members, and tar entries that try to escape the
// directory they are unpacked into.
import { mkdtemp, open, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestHex, sha256Digest } from "./file-digest.ts";
import { blobMember } from "./image-blobs.ts";
import { dirEntry, fileEntry, hardlinkEntry, symlinkEntry, toTarMember } from "./layer-tar.ts";
import type { LayerEntry } from "./layer-tar.ts";
import { extractTar, packDirectory } from "./tar-directory.ts";
import { writeTar } from "./tar-writer.ts";

/** Cuts a file to `size` bytes; a negative size drops that many bytes from the end. */
export async function truncateFile(path: string, size: number): Promise<void> {
  const length = size >= 0 ? size : Math.max(0, (await stat(path)).size + size);
  await truncate(path, length);
}

/** Inverts one byte (default: the middle one) so the file no longer matches its digest. */
export async function flipByte(path: string, offset?: number): Promise<void> {
  const { size } = await stat(path);
  if (size === 0) throw new Error(`cannot flip a byte of empty file ${path}`);
  const at = offset ?? Math.floor(size / 2);
  const handle = await open(path, "r+");
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}

/** Unpacks an archive, lets `edit` change the files, and packs it again in place. */
export async function editArchive(archivePath: string, edit: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "berth-archive-edit-"));
  try {
    await extractTar(archivePath, dir);
    await edit(dir);
    await packDirectory(dir, `${archivePath}.tmp`);
    await rename(`${archivePath}.tmp`, archivePath);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Flips a byte inside one member of an archive (e.g. a layer blob): its digest stops matching. */
export async function corruptArchiveMember(
  archivePath: string,
  member: string,
  offset?: number,
): Promise<void> {
  await editArchive(archivePath, (dir) => flipByte(join(dir, member), offset));
}

/** Truncates one member of an archive (see truncateFile for `size`). */
export async function truncateArchiveMember(
  archivePath: string,
  member: string,
  size: number,
): Promise<void> {
  await editArchive(archivePath, (dir) => truncateFile(join(dir, member), size));
}

/** Deletes one member of an archive (a missing blob, a missing manifest.json, ...). */
export async function removeArchiveMember(archivePath: string, member: string): Promise<void> {
  await editArchive(archivePath, (dir) => rm(join(dir, member), { recursive: true }));
}

type JsonRecord = Record<string, unknown>;

interface IndexDescriptor {
  mediaType?: string;
  digest: string;
  size: number;
}

/**
 * Rewrites the manifest that index.json's descriptor number `which` points at, storing it under
 * its new digest and updating that descriptor, so only the edit itself is wrong. Works for OCI
 * layouts and Docker 25+ archives (manifest.json does not refer to manifests).
 */
export async function rewriteManifest(
  archivePath: string,
  edit: (manifest: JsonRecord) => void,
  which = 0,
): Promise<string> {
  let newDigest = "";
  await editArchive(archivePath, async (dir) => {
    const indexPath = join(dir, "index.json");
    const index = JSON.parse(await readFile(indexPath, "utf8")) as { manifests: IndexDescriptor[] };
    const descriptor = index.manifests[which];
    if (descriptor === undefined) throw new Error(`index.json has no descriptor ${which}`);
    const manifestPath = join(dir, blobMember(descriptor.digest));
    const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as JsonRecord;
    if (!("layers" in manifest)) throw new Error(`descriptor ${which} is not an image manifest`);
    edit(manifest);
    const bytes = JSON.stringify(manifest);
    newDigest = sha256Digest(bytes);
    // Other descriptors (other tags) may share the old manifest: keep it, add the new one.
    await writeFile(join(dir, "blobs", "sha256", digestHex(newDigest)), bytes);
    descriptor.digest = newDigest;
    descriptor.size = Buffer.byteLength(bytes);
    await writeFile(indexPath, JSON.stringify(index));
  });
  return newDigest;
}

/** Makes a manifest's config or layer descriptor state a wrong size. */
export async function setDescriptorSize(
  archivePath: string,
  target: "config" | { layer: number },
  size: number,
  which = 0,
): Promise<string> {
  return rewriteManifest(
    archivePath,
    (manifest) => {
      const descriptor =
        target === "config"
          ? (manifest.config as IndexDescriptor | undefined)
          : (manifest.layers as IndexDescriptor[] | undefined)?.[target.layer];
      if (descriptor === undefined) throw new Error(`manifest has no ${JSON.stringify(target)} descriptor`);
      descriptor.size = size;
    },
    which,
  );
}

/** Appends entries (written verbatim, hostile names included) to an uncompressed tar. */
export async function appendTarEntries(tarPath: string, entries: LayerEntry[]): Promise<void> {
  await writeTar(tarPath, entries.map(toTarMember), { append: true });
}

/**
 * Layer entry lists that try to write outside the directory a layer is unpacked into. A safe
 * unpacker rejects them or keeps every write inside its root; `berth-escape` is the file name
 * to look for outside it.
 */
export const hostileEntries: Record<string, LayerEntry[]> = {
  dotDot: [fileEntry("../berth-escape", "escaped\n")],
  nestedDotDot: [dirEntry("a"), fileEntry("a/../../berth-escape", "escaped\n")],
  absolute: [fileEntry("/tmp/berth-escape", "escaped\n")],
  symlinkEscape: [
    symlinkEntry("link", "../../../../../../../../tmp"),
    fileEntry("link/berth-escape", "escaped\n"),
  ],
  absoluteSymlinkEscape: [symlinkEntry("link", "/tmp"), fileEntry("link/berth-escape", "escaped\n")],
  symlinkDirEscape: [
    symlinkEntry("link", "/tmp"),
    dirEntry("link/berth-escape-dir"),
    fileEntry("link/berth-escape-dir/berth-escape", "escaped\n"),
  ],
  hardlinkEscape: [hardlinkEntry("passwd", "../../../../../../../../etc/passwd")],
  absoluteHardlink: [hardlinkEntry("passwd", "/etc/passwd")],
};
