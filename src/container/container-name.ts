// Container names as Docker handles them: stored with a leading "/", validated against
// moby's restrictedNamePattern, and generated as adjective_surname when none is given.
import { randomInt } from "node:crypto";
import { invalidContainerName } from "./errors.ts";

/** moby daemon/names: `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`. */
const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Validates a user-supplied name and returns it in stored form ("/x"). */
export function normalizeContainerName(name: string): string {
  if (!VALID_NAME.test(name)) throw invalidContainerName(name);
  return name.startsWith("/") ? name : `/${name}`;
}

// Our own word lists (Docker's namesgenerator idea: a mood and a notable scientist or engineer).
const ADJECTIVES = [
  "agile",
  "amazing",
  "bold",
  "brave",
  "bright",
  "calm",
  "clever",
  "cool",
  "crisp",
  "curious",
  "daring",
  "eager",
  "elated",
  "epic",
  "fervent",
  "fond",
  "gentle",
  "gifted",
  "happy",
  "hopeful",
  "jolly",
  "keen",
  "kind",
  "lively",
  "lucid",
  "merry",
  "modest",
  "nifty",
  "noble",
  "patient",
  "peaceful",
  "quick",
  "quiet",
  "relaxed",
  "serene",
  "sharp",
  "steady",
  "sunny",
  "swift",
  "tender",
  "upbeat",
  "vibrant",
  "vigilant",
  "witty",
  "zealous",
  "zen",
];

const SURNAMES = [
  "agnesi",
  "babbage",
  "bardeen",
  "bohr",
  "boole",
  "cerf",
  "curie",
  "darwin",
  "dijkstra",
  "einstein",
  "euler",
  "faraday",
  "fermi",
  "feynman",
  "franklin",
  "gauss",
  "germain",
  "goodall",
  "hamilton",
  "hopper",
  "hypatia",
  "johnson",
  "kepler",
  "knuth",
  "lamarr",
  "lovelace",
  "maxwell",
  "meitner",
  "mirzakhani",
  "newton",
  "noether",
  "pascal",
  "pasteur",
  "planck",
  "ritchie",
  "shannon",
  "tesla",
  "thompson",
  "torvalds",
  "turing",
  "volta",
  "wiles",
  "wing",
  "wu",
  "yalow",
];

/** A random "adjective_surname"; with `retry` > 0 a digit is appended, as Docker does. */
export function randomContainerName(retry = 0): string {
  const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
  return retry > 0 ? `${name}${randomInt(10)}` : name;
}
