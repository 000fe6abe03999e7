export * from "./image-service.ts";
export * from "./image-store.ts";
export * from "./leases.ts";
export * from "./import-changes.ts";
export { importRootfs, type ImportRequest } from "./import-rootfs.ts";
export { loadArchive } from "./archive/load-archive.ts";
export { resolveSaveItems, writeSaveArchive } from "./archive/save-archive.ts";
export { familiarOf } from "./archive/names.ts";
export { commitImage, type CommitImageRequest, type CommittedImage } from "./commit-image.ts";
