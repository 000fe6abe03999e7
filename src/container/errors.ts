// Container errors with Docker's wording (clients such as the docker CLI, docker-py and compose
// match on "No such container" and on the name-conflict text).
import { EngineError } from "../lib/index.ts";

export const noSuchContainer = (ref: string): EngineError =>
  new EngineError("not-found", "NO_SUCH_CONTAINER", `No such container: ${ref}`);

export const ambiguousContainerPrefix = (prefix: string): EngineError =>
  new EngineError(
    "invalid-argument",
    "AMBIGUOUS_CONTAINER_PREFIX",
    `Multiple IDs found with provided prefix: ${prefix}`,
  );

/** name is Docker's stored form, with the leading "/". */
export const containerNameInUse = (name: string, holderId: string): EngineError =>
  new EngineError(
    "conflict",
    "CONTAINER_NAME_IN_USE",
    `Conflict. The container name "${name}" is already in use by container "${holderId}". ` +
      "You have to remove (or rename) that container to be able to reuse that name.",
  );

export const invalidContainerName = (name: string): EngineError =>
  new EngineError(
    "invalid-argument",
    "INVALID_CONTAINER_NAME",
    `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
  );

export const containerRunning = (name: string): EngineError =>
  new EngineError(
    "conflict",
    "CONTAINER_RUNNING",
    `cannot remove container "${name}": container is running: stop the container before removing or force remove`,
  );

export const containerRemovalInProgress = (name: string): EngineError =>
  new EngineError(
    "conflict",
    "CONTAINER_REMOVAL_IN_PROGRESS",
    `removal of container ${name} is already in progress`,
  );

/** A create or rename option Docker refuses with 400; the message is Docker's own. */
export const invalidContainerConfig = (message: string): EngineError =>
  new EngineError("invalid-argument", "INVALID_CONTAINER_CONFIG", message);
