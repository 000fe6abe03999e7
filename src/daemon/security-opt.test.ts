import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSecurityOpts } from "./security-opt.ts";

test("parseSecurityOpts: Docker's accepted forms", () => {
  assert.deepEqual(parseSecurityOpts([]), {});
  assert.deepEqual(parseSecurityOpts(["no-new-privileges"]), { noNewPrivileges: true });
  assert.deepEqual(parseSecurityOpts(["no-new-privileges=false"]), { noNewPrivileges: false });
  assert.deepEqual(parseSecurityOpts(["no-new-privileges:true"]), { noNewPrivileges: true });
  assert.deepEqual(parseSecurityOpts(["seccomp=unconfined"]), { seccompProfile: "unconfined" });
  assert.deepEqual(parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']), {
    seccompProfile: '{"defaultAction":"SCMP_ACT_ALLOW"}',
  });
  assert.deepEqual(
    parseSecurityOpts(["label=disable", "label:type:svirt_t", "apparmor=unconfined", "disable"]),
    {},
  );
});

test("parseSecurityOpts: moby's errors", () => {
  assert.throws(() => parseSecurityOpts(["bogus"]), { message: 'invalid --security-opt 1: "bogus"' });
  assert.throws(() => parseSecurityOpts(["bogus=1"]), { message: 'invalid --security-opt 2: "bogus=1"' });
  assert.throws(() => parseSecurityOpts(["no-new-privileges=maybe"]), {
    message: 'invalid --security-opt 2: "no-new-privileges=maybe"',
  });
});
