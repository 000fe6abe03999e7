// berthd entry point: parse options, start, stop cleanly on SIGTERM/SIGINT.
import { createLogger, toEngineError } from "../lib/index.ts";
import { BERTH_COMMIT, BERTH_VERSION } from "./build-info.ts";
import { USAGE, loadDaemonOptions } from "./daemon-options.ts";
import { startDaemon } from "./daemon.ts";

async function main(argv: string[]): Promise<number> {
  if (argv.includes("-v") || argv.includes("--version")) {
    console.log(`berthd version ${BERTH_VERSION}, build ${BERTH_COMMIT}`);
    return 0;
  }
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const options = loadDaemonOptions(argv);
  const log = createLogger(options.logLevel);
  const daemon = await startDaemon(options, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info("shutting down", { signal });
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await daemon.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = toEngineError(err);
    console.error(`berthd: ${e.message}`);
    process.exit(1);
  },
);
