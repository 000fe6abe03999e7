// Splits "repo[:tag]" the way the docker CLI does before calling the API: the tag is what
// follows the last colon after the last slash (so "localhost:5000/x" has no tag).
export function splitRepoTag(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(":");
  return colon > ref.lastIndexOf("/")
    ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) }
    : { repo: ref, tag: "" };
}
