// berth: the client, with every command (run-cli.ts parses and runs them).
import { DEFAULT_HOST } from "../client/index.ts";
import { COMMANDS } from "./commands/index.ts";
import { runCli } from "./run-cli.ts";

const ROOT_HELP = `
Usage:  berth [OPTIONS] COMMAND

A container engine that speaks the Docker Engine API

Commands:
  cp          Copy files/folders between a container and the local filesystem
  create      Create a new container
  events      Get real time events from the server
  kill        Kill one or more running containers
  logs        Fetch the logs of a container
  pause       Pause all processes within one or more containers
  port        List port mappings or a specific mapping for the container
  images      List images
  import      Import the contents from a tarball to create a filesystem image
  info        Display system-wide information
  inspect     Return low-level information on berth objects
  history     Show the history of an image
  load        Load an image from a tar archive or STDIN
  ps          List containers
  rename      Rename a container
  restart     Restart one or more containers
  rm          Remove one or more containers
  rmi         Remove one or more images
  run         Create and run a new container from an image
  save        Save one or more images to a tar archive (streamed to STDOUT by default)
  start       Start one or more stopped containers
  stats       Display a live stream of container(s) resource usage statistics
  stop        Stop one or more running containers
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
  top         Display the running processes of a container
  unpause     Unpause all processes within one or more containers
  update      Update configuration of one or more containers
  version     Show the berth version information
  wait        Block until one or more containers stop, then print their exit codes

Management Commands:
  container   Manage containers
  image       Manage images
  network     Manage networks
  registry    Serve an OCI distribution registry
  system      Manage berth
  volume      Manage volumes

Global Options:
  -D, --debug              Enable debug mode
  -H, --host string        Daemon socket to connect to (default from BERTH_HOST, DOCKER_HOST, or ${DEFAULT_HOST})
  -v, --version            Print version information and quit

Run 'berth COMMAND --help' for more information on a command.
`;

const GROUP_DESCRIPTIONS: Record<string, string> = {
  container: "Manage containers",
  image: "Manage images",
  network: "Manage networks",
  registry: "Serve an OCI distribution registry",
  system: "Manage berth",
  volume: "Manage volumes",
};

runCli({ commands: COMMANDS, rootHelp: ROOT_HELP, groups: GROUP_DESCRIPTIONS }, process.argv.slice(2));
