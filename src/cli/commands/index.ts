// Every berth command. Management commands (image, system) are reached by their paths.
import type { Command } from "../cli-context.ts";
import {
  killCommand,
  pauseCommand,
  restartCommand,
  startCommand,
  stopCommand,
  unpauseCommand,
  waitCommand,
} from "./container-lifecycle.ts";
import { topCommand } from "./top.ts";
import { buildCommand } from "./build.ts";
import { builderPruneCommand } from "./builder-prune.ts";
import { commitCommand } from "./commit.ts";
import { execCommand } from "./exec.ts";
import { attachCommand } from "./attach.ts";
import { diffCommand } from "./diff.ts";
import { exportCommand } from "./export.ts";
import { logsCommand } from "./logs.ts";
import { runCommand } from "./run.ts";
import { containerInspectCommand, inspectCommand } from "./container-inspect.ts";
import { containerPruneCommand } from "./container-prune.ts";
import { createCommand } from "./create.ts";
import { historyCommand } from "./history.ts";
import { imageInspectCommand } from "./image-inspect.ts";
import { imagePruneCommand } from "./image-prune.ts";
import { imagesCommand } from "./images.ts";
import { importCommand } from "./import.ts";
import { infoCommand } from "./info.ts";
import { loadCommand } from "./load.ts";
import { psCommand } from "./ps.ts";
import { renameCommand } from "./rename.ts";
import { rmCommand } from "./rm.ts";
import { rmiCommand } from "./rmi.ts";
import { saveCommand } from "./save.ts";
import { systemDfCommand } from "./system-df.ts";
import { systemPruneCommand } from "./system-prune.ts";
import { tagCommand } from "./tag.ts";
import { versionCommand } from "./version.ts";
import { volumeCreateCommand } from "./volume-create.ts";
import { volumeInspectCommand } from "./volume-inspect.ts";
import { volumeLsCommand } from "./volume-ls.ts";
import { volumePruneCommand } from "./volume-prune.ts";
import { volumeRmCommand } from "./volume-rm.ts";
import { pullCommand } from "./pull.ts";
import { pushCommand } from "./push.ts";
import { loginCommand, logoutCommand } from "./login.ts";
import { registryServeCommand } from "./registry-serve.ts";
import { registryGcCommand } from "./registry-gc.ts";
import { networkCreateCommand } from "./network-create.ts";
import { networkLsCommand } from "./network-ls.ts";
import { networkInspectCommand } from "./network-inspect.ts";
import { networkRmCommand } from "./network-rm.ts";
import { networkPruneCommand } from "./network-prune.ts";
import { networkConnectCommand, networkDisconnectCommand } from "./network-connect.ts";
import { portCommand } from "./port.ts";
import { eventsCommand } from "./events.ts";
import { cpCommand } from "./cp.ts";
import { statsCommand } from "./stats.ts";
import { updateCommand } from "./update.ts";

export const COMMANDS: readonly Command[] = [
  execCommand,
  attachCommand,
  pauseCommand,
  topCommand,
  unpauseCommand,
  killCommand,
  logsCommand,
  restartCommand,
  runCommand,
  startCommand,
  stopCommand,
  waitCommand,
  historyCommand,
  imageInspectCommand,
  imagePruneCommand,
  imagesCommand,
  importCommand,
  infoCommand,
  loadCommand,
  rmiCommand,
  saveCommand,
  systemDfCommand,
  systemPruneCommand,
  tagCommand,
  versionCommand,
  volumeCreateCommand,
  volumeInspectCommand,
  volumeLsCommand,
  volumePruneCommand,
  volumeRmCommand,
  containerInspectCommand,
  containerPruneCommand,
  createCommand,
  inspectCommand,
  psCommand,
  renameCommand,
  rmCommand,
  pullCommand,
  pushCommand,
  loginCommand,
  logoutCommand,
  registryServeCommand,
  registryGcCommand,
  buildCommand,
  builderPruneCommand,
  commitCommand,
  diffCommand,
  exportCommand,
  networkCreateCommand,
  networkLsCommand,
  networkInspectCommand,
  networkRmCommand,
  networkPruneCommand,
  networkConnectCommand,
  networkDisconnectCommand,
  portCommand,
  eventsCommand,
  cpCommand,
  statsCommand,
  updateCommand,
];

export { CLIENT_VERSION } from "./version.ts";
