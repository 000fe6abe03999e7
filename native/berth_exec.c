// berth-exec: starts one `docker exec` process inside a running container, in place of
// `runc exec`.
//
// Why not `runc exec`: it starts two Go runtimes (runc, then `runc init` re-executed in the
// container's namespaces) and costs ~34 ms on its own, which leaves no room for the whole
// `docker exec ctr true` round trip in its 40 ms budget (issue 4, bench/exec.sh). This helper
// is a small C program that does the same steps runc's setns path does (runc 1.1
// libcontainer/setns_init_linux.go, finalizeNamespace, setupUser) and then execs the command.
//
// berthd (src/runtime/exec/) spawns it with the exec's stdio (pipes, or the slave of a pty
// berthd made for -t) and a socket on fd 3. On fd 3 berthd writes the configuration, then
// shuts down its side: NUL-terminated strings in key/value pairs (no JSON parser here):
//   id <container id>        pid <host pid of the container's init>
//   ns <ipc|uts|net|pid|mnt|cgroup|user>     (the namespaces config.json has; each joined)
//   cgroup <host path of a cgroup.procs file> (every hierarchy the init is in, v1 and v2)
//   arg <s>... env <s>... cwd <dir>  uid <n>  gid <n>  groups "<n> <n> ..."
//   capb|cape|capp|capi|capa <decimal bit mask>   (bounding, effective, permitted,
//                                                  inheritable, ambient)
//   rlimit "<resource> <soft> <hard>"  nnp 1  oom <n>  apparmor <profile>  tty 1
//   seccomp-default "<action> <errno>"  seccomp-arch <SCMP_ARCH_*>  seccomp-flag <flag>
//   seccomp-sys "<name> <action> <errno> <nargs> [<index> <op> <value> <valueTwo>]..."
//   seccomp-cache <host path>  (where the compiled program is kept for the next exec)
// It answers on fd 3 with "pid <n>\n" (the exec process's host pid) and, when the process
// could not be started, "error <message>\n"; Docker's message also goes to the exec's stdout
// ("OCI runtime exec failed: ..."), with exit status 127 (command not found) or 126 (any other
// failure to start), as Docker reports them. Otherwise the helper exits with the process's
// status, or 128+n when a signal n killed it; it forwards the usual termination signals.
// With -t ("tty 1") berthd's pty is only the helper's end: see the terminal below.
//
// runc semantics reproduced (oci-runtime-spec config.md "Process", config-linux.md):
//  - the container's cgroups are joined (the child's pid is written to every cgroup.procs of
//    the init's hierarchies before the child goes on, so pids.max and stats count it);
//  - setns(2) into the init's namespaces, user first, mount last (root and cwd become the
//    namespace's); fork after the pid namespace is joined so the child is inside it;
//  - setsid (every runc process is a session leader), TIOCSCTTY on the terminal for -t;
//  - oom_score_adj, rlimits, a fresh session keyring "_ses.<id>" (runc's), no_new_privs;
//  - seccomp (libseccomp, the profile from config.json linux.seccomp; runc's rule that several
//    conditions on one argument are alternatives); loaded before dropping capabilities when
//    no_new_privs is off (loading needs CAP_SYS_ADMIN then), else right before execve. The
//    BPF program is compiled once per profile and kept in a cache file (compiling costs more
//    than the rest of this helper), read before joining the mount namespace;
//  - capabilities: bounding set dropped, keepcaps across setgroups/setgid/setuid, then the
//    effective/permitted/inheritable sets (capset) and the ambient set; stdio chowned to the
//    user (runc's fixStdioPermissions: the uid only, the group is left as it is);
//  - cwd (chdir after the user switch when root could not enter it), the apparmor profile;
//  - the command looked up in PATH of the process's env as Go's exec.LookPath does, checked
//    with access(X_OK) (a noexec mount), then execve with that env. Every fd above 2 is
//    close-on-exec.
//  - the -t terminal in the container's own devpts, as runc makes it (runc 1.1
//    libcontainer/init_linux.go setupConsole): after joining the mount namespace the helper
//    opens the container's /dev/ptmx (config-linux.md "Default Devices": /dev/ptmx links to the
//    newinstance devpts at /dev/pts), unlocks it and opens the slave, which becomes the
//    process's stdio and controlling terminal, owned by its uid (`tty` prints /dev/pts/<n>,
//    ttyname() works). The helper stays between berthd's pty (its own stdio, switched to raw
//    mode so that only the container's pty does line discipline) and the container pty's
//    master and copies bytes both ways with poll(), as `runc exec -t` does. It is the session
//    leader of berthd's pty, so berthd's resize (TIOCSWINSZ on its master) signals it SIGWINCH
//    and it copies the size to the inner pty (which signals the process's foreground group).
//    When the process exits, what it wrote is drained before the helper exits; the end of
//    stdin never stops the output.
// Not reproduced: runc's patched BPF that returns ENOSYS for syscalls newer than the profile
// (here they get the profile's default action), and SELinux labels (not used on this host).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CONFIG_FD 3
#define MAX_LIST 4096

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

struct rlim {
  int resource;
  struct rlimit value;
};

static struct {
  const char *id;
  pid_t pid;
  const char *ns[8];
  int nns;
  const char *cgroups[32];
  int ncgroups;
  const char *args[MAX_LIST + 1];
  int nargs;
  const char *env[MAX_LIST + 1];
  int nenv;
  const char *cwd;
  uid_t uid;
  gid_t gid;
  gid_t groups[256];
  int ngroups;
  uint64_t capb, cape, capp, capi, capa;
  struct rlim rlimits[32];
  int nrlimits;
  int nnp;
  const char *oom;
  const char *apparmor;
  int tty;
  const char *seccomp_default;
  const char *seccomp_arch[8];
  int nseccomp_arch;
  const char *seccomp_flag[8];
  int nseccomp_flag;
  const char *seccomp_sys[2048];
  int nseccomp_sys;
  const char *seccomp_cache;
} cfg;

// The container's seccomp program, compiled (or read from the cache) before joining the
// namespaces, installed by the child at runc's moment.
static struct sock_fprog seccomp_prog;
static unsigned seccomp_flags;

static pid_t child_pid;

// strerror as Go's syscall.Errno prints it (lower case: "no such file or directory"), since
// Docker's messages and clients matching on them come from runc's Go errors.
static const char *errstr(int err) {
  static char buf[128];
  snprintf(buf, sizeof buf, "%s", strerror(err));
  if (buf[0] >= 'A' && buf[0] <= 'Z') buf[0] = (char)(buf[0] - 'A' + 'a');
  return buf;
}

// "error <message>" to berthd on fd 3.
static void report(const char *fmt, ...) {
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  dprintf(CONFIG_FD, "error %.*s\n", n, buf);
}

// A failure to start the process: the reason to berthd, Docker's wording to the exec's stdout,
// and Docker's exit status (127: the command is not there, 126: any other reason).
static void fail(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void fail(int status, const char *fmt, ...) {
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  report("%s", buf);
  dprintf(STDOUT_FILENO,
          "OCI runtime exec failed: exec failed: unable to start container process: %s: unknown\r\n", buf);
  _exit(status);
}

static void fail_errno(const char *what) { fail(126, "%s: %s", what, errstr(errno)); }

static char *read_all(int fd, size_t *len) {
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  if (buf == NULL) return NULL;
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char *grown = realloc(buf, cap);
      if (grown == NULL) return NULL;
      buf = grown;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return NULL;
    if (r == 0) break;
    n += (size_t)r;
  }
  *len = n;
  return buf;
}

static uint64_t parse_u64(const char *s) { return strtoull(s, NULL, 10); }

#define PUSH(list, count, value)                                                                   \
  do {                                                                                             \
    if ((size_t)(count) >= sizeof(list) / sizeof((list)[0]) - 1) fail(126, "too many " #list);    \
    (list)[(count)++] = (value);                                                                   \
  } while (0)

static void parse_config(char *buf, size_t len) {
  char *p = buf, *end = buf + len;
  while (p < end) {
    char *key = p;
    p += strlen(p) + 1;
    if (p >= end) fail(126, "berth-exec: truncated configuration at %s", key);
    char *value = p;
    p += strlen(p) + 1;
    if (!strcmp(key, "id")) cfg.id = value;
    else if (!strcmp(key, "pid")) cfg.pid = (pid_t)atoi(value);
    else if (!strcmp(key, "ns")) PUSH(cfg.ns, cfg.nns, value);
    else if (!strcmp(key, "cgroup")) PUSH(cfg.cgroups, cfg.ncgroups, value);
    else if (!strcmp(key, "arg")) PUSH(cfg.args, cfg.nargs, value);
    else if (!strcmp(key, "env")) PUSH(cfg.env, cfg.nenv, value);
    else if (!strcmp(key, "cwd")) cfg.cwd = value;
    else if (!strcmp(key, "uid")) cfg.uid = (uid_t)parse_u64(value);
    else if (!strcmp(key, "gid")) cfg.gid = (gid_t)parse_u64(value);
    else if (!strcmp(key, "groups")) {
      for (char *s = value, *next; *s; s = next) {
        unsigned long g = strtoul(s, &next, 10);
        if (next == s) break;
        PUSH(cfg.groups, cfg.ngroups, (gid_t)g);
      }
    } else if (!strcmp(key, "capb")) cfg.capb = parse_u64(value);
    else if (!strcmp(key, "cape")) cfg.cape = parse_u64(value);
    else if (!strcmp(key, "capp")) cfg.capp = parse_u64(value);
    else if (!strcmp(key, "capi")) cfg.capi = parse_u64(value);
    else if (!strcmp(key, "capa")) cfg.capa = parse_u64(value);
    else if (!strcmp(key, "rlimit")) {
      struct rlim r;
      char *s = value;
      r.resource = (int)strtol(s, &s, 10);
      r.value.rlim_cur = strtoull(s, &s, 10);
      r.value.rlim_max = strtoull(s, &s, 10);
      PUSH(cfg.rlimits, cfg.nrlimits, r);
    } else if (!strcmp(key, "nnp")) cfg.nnp = atoi(value);
    else if (!strcmp(key, "oom")) cfg.oom = value;
    else if (!strcmp(key, "apparmor")) cfg.apparmor = value;
    else if (!strcmp(key, "tty")) cfg.tty = atoi(value);
    else if (!strcmp(key, "seccomp-default")) cfg.seccomp_default = value;
    else if (!strcmp(key, "seccomp-arch")) PUSH(cfg.seccomp_arch, cfg.nseccomp_arch, value);
    else if (!strcmp(key, "seccomp-flag")) PUSH(cfg.seccomp_flag, cfg.nseccomp_flag, value);
    else if (!strcmp(key, "seccomp-sys")) PUSH(cfg.seccomp_sys, cfg.nseccomp_sys, value);
    else if (!strcmp(key, "seccomp-cache")) cfg.seccomp_cache = value;
    else fail(126, "berth-exec: unknown configuration key %s", key);
  }
  cfg.args[cfg.nargs] = NULL;
  cfg.env[cfg.nenv] = NULL;
  if (cfg.nargs == 0 || cfg.pid <= 0) fail(126, "berth-exec: no command or no container pid");
}

// --- seccomp (oci-runtime-spec config-linux.md "Seccomp") ------------------------------------

static int seccomp_action(const char *name, uint32_t errno_ret, int has_errno, uint32_t *out) {
  uint32_t ret = has_errno ? errno_ret : EPERM;
  if (!strcmp(name, "SCMP_ACT_ALLOW")) *out = SCMP_ACT_ALLOW;
  else if (!strcmp(name, "SCMP_ACT_ERRNO")) *out = SCMP_ACT_ERRNO(ret);
  else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
    *out = SCMP_ACT_KILL_THREAD;
  else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS")) *out = SCMP_ACT_KILL_PROCESS;
  else if (!strcmp(name, "SCMP_ACT_TRAP")) *out = SCMP_ACT_TRAP;
  else if (!strcmp(name, "SCMP_ACT_TRACE")) *out = SCMP_ACT_TRACE(ret);
  else if (!strcmp(name, "SCMP_ACT_LOG")) *out = SCMP_ACT_LOG;
  else return -1;
  return 0;
}

static int seccomp_op(const char *name, enum scmp_compare *out) {
  static const struct {
    const char *name;
    enum scmp_compare op;
  } ops[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
             {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
             {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
             {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (!strcmp(ops[i].name, name)) return *out = ops[i].op, 0;
  return -1;
}

static void compile_seccomp(void) {
  char action_name[64];
  unsigned errno_ret = 0;
  int fields = sscanf(cfg.seccomp_default, "%63s %u", action_name, &errno_ret);
  uint32_t def;
  if (fields < 1 || seccomp_action(action_name, errno_ret, fields == 2 && errno_ret != 0, &def) < 0)
    fail(126, "seccomp: unknown default action %s", cfg.seccomp_default);
  scmp_filter_ctx ctx = seccomp_init(def);
  if (ctx == NULL) fail(126, "seccomp: init failed");
  // runc sets no_new_privs itself (only when the config asks for it), never libseccomp.
  if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0) fail(126, "seccomp: clearing the nnp attribute");
  for (int i = 0; i < cfg.nseccomp_arch; i++) {
    const char *a = cfg.seccomp_arch[i];
    uint32_t arch = seccomp_arch_resolve_name(strncmp(a, "SCMP_ARCH_", 10) ? a : a + 10);
    // Architectures this libseccomp does not know are skipped, as runc skips them.
    if (arch == 0) continue;
    int rc = seccomp_arch_add(ctx, arch);
    if (rc < 0 && rc != -EEXIST) fail(126, "seccomp: adding architecture %s: %s", a, errstr(-rc));
  }
  for (int i = 0; i < cfg.nseccomp_flag; i++) {
    const char *f = cfg.seccomp_flag[i];
    // LOG and SPEC_ALLOW are flags of the load (prepare_seccomp); TSYNC means nothing here.
    if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") && strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") &&
        strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC"))
      fail(126, "seccomp: unsupported flag %s", f);
  }
  for (int i = 0; i < cfg.nseccomp_sys; i++) {
    char name[128], act[64];
    unsigned eret;
    int nargs, used;
    const char *s = cfg.seccomp_sys[i];
    if (sscanf(s, "%127s %63s %u %d%n", name, act, &eret, &nargs, &used) != 4 || nargs < 0 || nargs > 6)
      fail(126, "seccomp: bad rule %s", s);
    s += used;
    uint32_t action;
    if (seccomp_action(act, eret, eret != 0, &action) < 0) fail(126, "seccomp: unknown action %s", act);
    // A rule that only repeats the default action is dropped (libseccomp refuses it).
    if (action == def) continue;
    int nr = seccomp_syscall_resolve_name(name);
    // Syscalls this libseccomp does not know are ignored, as runc ignores them.
    if (nr == __NR_SCMP_ERROR) continue;
    struct scmp_arg_cmp conds[6];
    int per_index[6] = {0}, repeated = 0;
    for (int k = 0; k < nargs; k++) {
      char op[32];
      unsigned idx;
      unsigned long long v, v2;
      if (sscanf(s, "%u %31s %llu %llu%n", &idx, op, &v, &v2, &used) != 4 || idx > 5)
        fail(126, "seccomp: bad argument in %s", cfg.seccomp_sys[i]);
      s += used;
      enum scmp_compare cmp;
      if (seccomp_op(op, &cmp) < 0) fail(126, "seccomp: unknown operator %s", op);
      conds[k] = (struct scmp_arg_cmp){.arg = idx, .op = cmp, .datum_a = v, .datum_b = v2};
      if (++per_index[idx] > 1) repeated = 1;
    }
    int rc;
    if (repeated) {
      // runc: several conditions on the same argument are alternatives, one rule each.
      for (int k = 0; k < nargs; k++)
        if ((rc = seccomp_rule_add_array(ctx, action, nr, 1, &conds[k])) < 0)
          fail(126, "seccomp: rule for %s: %s", name, errstr(-rc));
    } else if ((rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)nargs, conds)) < 0) {
      fail(126, "seccomp: rule for %s: %s", name, errstr(-rc));
    }
  }
  // libseccomp 2.5 exports only to an fd: through a memfd, then read back.
  int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
  if (fd < 0) fail_errno("memfd_create");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) fail(126, "seccomp: exporting the filter: %s", errstr(-rc));
  seccomp_release(ctx);
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0 || size % sizeof(struct sock_filter) != 0 || size > 4096 * (off_t)sizeof(struct sock_filter))
    fail(126, "seccomp: exported filter of %lld bytes", (long long)size);
  struct sock_filter *code = malloc((size_t)size);
  if (code == NULL || pread(fd, code, (size_t)size, 0) != size) fail_errno("seccomp: reading the filter");
  close(fd);
  seccomp_prog.len = (unsigned short)(size / sizeof(struct sock_filter));
  seccomp_prog.filter = code;
}

// A cache file: "BERTHBPF", the instruction count (u32), then the instructions.
#define CACHE_MAGIC "BERTHBPF"

static int read_seccomp_cache(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  char head[12];
  uint32_t count;
  int ok = fstat(fd, &st) == 0 && st.st_size > 12 && read(fd, head, 12) == 12 &&
           memcmp(head, CACHE_MAGIC, 8) == 0;
  if (ok) {
    memcpy(&count, head + 8, 4);
    ok = count > 0 && count <= 4096 && st.st_size == 12 + (off_t)count * (off_t)sizeof(struct sock_filter);
  }
  struct sock_filter *code = ok ? malloc(count * sizeof *code) : NULL;
  ok = code != NULL && read(fd, code, count * sizeof *code) == (ssize_t)(count * sizeof *code);
  close(fd);
  if (!ok) return free(code), -1;
  seccomp_prog.len = (unsigned short)count;
  seccomp_prog.filter = code;
  return 0;
}

// Best effort: a failure to cache only costs the next exec a compilation.
static void write_seccomp_cache(const char *path) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;
  uint32_t count = seccomp_prog.len;
  size_t n = count * sizeof(struct sock_filter);
  char head[12];
  memcpy(head, CACHE_MAGIC, 8);
  memcpy(head + 8, &count, 4);
  // Written whole and flushed before the rename: the cache is never a torn file.
  int ok = write(fd, head, 12) == 12 && write(fd, seccomp_prog.filter, n) == (ssize_t)n && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp, path) < 0) unlink(tmp);
}

static void prepare_seccomp(void) {
  if (cfg.seccomp_default == NULL) return;
  for (int i = 0; i < cfg.nseccomp_flag; i++) {
    if (!strcmp(cfg.seccomp_flag[i], "SECCOMP_FILTER_FLAG_LOG")) seccomp_flags |= SECCOMP_FILTER_FLAG_LOG;
    if (!strcmp(cfg.seccomp_flag[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
      seccomp_flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  }
  if (cfg.seccomp_cache != NULL && read_seccomp_cache(cfg.seccomp_cache) == 0) return;
  compile_seccomp();
  if (cfg.seccomp_cache != NULL) write_seccomp_cache(cfg.seccomp_cache);
}

// What libseccomp's seccomp_load does with the program it generated.
static void load_seccomp(void) {
  if (seccomp_prog.filter == NULL) return;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, seccomp_flags, &seccomp_prog) < 0)
    fail(126, "seccomp: loading the filter: %s", errstr(errno));
}

// --- capabilities -------------------------------------------------------------------------------

static int last_cap(void) {
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  char buf[16] = {0};
  if (fd < 0) return CAP_LAST_CAP;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 ? atoi(buf) : CAP_LAST_CAP;
}

static void drop_bounding(int last) {
  for (int c = 0; c <= last; c++)
    if (!(cfg.capb & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      fail_errno("dropping a bounding capability");
}

static void apply_caps(int last) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)(cfg.cape >> (32 * i));
    data[i].permitted = (uint32_t)(cfg.capp >> (32 * i));
    data[i].inheritable = (uint32_t)(cfg.capi >> (32 * i));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) fail_errno("capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    fail_errno("clearing ambient capabilities");
  for (int c = 0; c <= last; c++)
    if ((cfg.capa & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      fail_errno("raising an ambient capability");
}

// --- the command --------------------------------------------------------------------------------

static const char *env_get(const char *name) {
  size_t n = strlen(name);
  for (int i = 0; i < cfg.nenv; i++)
    if (!strncmp(cfg.env[i], name, n) && cfg.env[i][n] == '=') return cfg.env[i] + n + 1;
  return NULL;
}

// 0 when path is a file with an execute bit (Go's findExecutable), else an errno.
static int executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  return !S_ISDIR(st.st_mode) && (st.st_mode & 0111) ? 0 : EACCES;
}

// exec.LookPath: a name with a slash is used as is, else the first executable in $PATH.
static const char *look_path(const char *file, char *buf, size_t size) {
  if (strchr(file, '/') != NULL) {
    int err = executable(file);
    if (err == ENOENT || err == ENOTDIR)
      fail(127, "exec: \"%s\": stat %s: %s", file, file, errstr(err));
    if (err != 0) fail(126, "exec: \"%s\": %s", file, errstr(err));
    return file;
  }
  const char *path = env_get("PATH");
  // An unset or empty PATH holds no directory (Go's filepath.SplitList("") is empty).
  for (const char *dir = path; path != NULL && *path != '\0';) {
    const char *colon = strchr(dir, ':');
    size_t len = colon ? (size_t)(colon - dir) : strlen(dir);
    int n = len == 0 ? snprintf(buf, size, "./%s", file) : snprintf(buf, size, "%.*s/%s", (int)len, dir, file);
    if (n > 0 && (size_t)n < size && executable(buf) == 0) return buf;
    if (colon == NULL) break;
    dir = colon + 1;
  }
  fail(127, "exec: \"%s\": executable file not found in $PATH", file);
}

// --- the terminal (-t) ---------------------------------------------------------------------------

static volatile sig_atomic_t child_exited, winch;

static void on_child(int sig) {
  (void)sig;
  child_exited = 1;
}

static void on_winch(int sig) {
  (void)sig;
  winch = 1;
}

// A pty of the container's devpts, opened in its mount namespace: the master (returned,
// non-blocking) and the slave (*slave). The slave is opened through the master (TIOCGPTPEER),
// so it is the peer of this very master whatever the container's /dev/pts holds.
static int open_container_pty(int *slave) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (master < 0) fail(126, "open /dev/ptmx: %s", errstr(errno));
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail_errno("unlockpt");
  *slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0) {
    // Kernels before 4.13: by its name.
    unsigned n;
    char path[32];
    if (ioctl(master, TIOCGPTN, &n) < 0) fail_errno("ptsname");
    snprintf(path, sizeof path, "/dev/pts/%u", n);
    if ((*slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
      fail(126, "open %s: %s", path, errstr(errno));
  }
  return master;
}

// berthd's pty becomes this helper's controlling terminal (for its SIGWINCH on resize), in raw
// mode: echo, line editing, ^C and CR/NL translation happen once, in the container's pty.
static void own_outer_terminal(void) {
  struct termios t;
  if (setsid() >= 0) (void)ioctl(STDIN_FILENO, TIOCSCTTY, 0);
  if (tcgetattr(STDIN_FILENO, &t) == 0) {
    cfmakeraw(&t);
    (void)tcsetattr(STDIN_FILENO, TCSANOW, &t);
  }
}

static void copy_winsize(int master) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) (void)ioctl(master, TIOCSWINSZ, &ws);
}

struct buf {
  char data[16384];
  size_t len, off;
};

// One read into an empty buffer: 0 at end of file or on an error (EIO: the other side is gone).
static int fill(int fd, struct buf *b) {
  ssize_t n = read(fd, b->data, sizeof b->data);
  if (n > 0) b->len = (size_t)n, b->off = 0;
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

// Writes what the buffer holds, as far as the fd takes it: 0 when the fd is gone (dropped).
static int flush(int fd, struct buf *b) {
  while (b->off < b->len) {
    ssize_t n = write(fd, b->data + b->off, b->len - b->off);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 1;
    if (n <= 0) return b->len = b->off = 0, 0;
    b->off += (size_t)n;
  }
  b->len = b->off = 0;
  return 1;
}

// How long output is awaited after the process exited while something it left behind (a
// background job) still holds the container's pty open: its last output is already queued.
#define DRAIN_IDLE_MS 100

// Copies berthd's pty (stdin/stdout) <-> the container pty's master until the process has
// exited and its output is written; returns the process's wait status. Signals are blocked
// except inside ppoll, so none is lost between a check and the wait.
static int relay(int master, const sigset_t *poll_mask) {
  static struct buf in, out;
  int in_open = 1, out_open = 1, master_open = 1, reaped = 0, status = 0;
  int flags = fcntl(STDIN_FILENO, F_GETFL);
  if (flags >= 0) (void)fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
  for (;;) {
    if (child_exited && !reaped) {
      child_exited = 0;
      pid_t r = waitpid(child_pid, &status, WNOHANG);
      if (r == child_pid || (r < 0 && errno == ECHILD)) reaped = 1, in_open = 0;
    }
    if (winch) {
      winch = 0;
      copy_winsize(master);
    }
    if (!out_open) out.len = out.off = 0;
    if (reaped && out.len == 0 && !master_open) break;
    short master_events =
        (short)((master_open && out.len == 0 ? POLLIN : 0) | (master_open && in.len > 0 ? POLLOUT : 0));
    // An fd with nothing asked is left out: poll would still report its hangup, in a loop.
    struct pollfd p[3] = {
        {in_open && in.len == 0 ? STDIN_FILENO : -1, POLLIN, 0},
        {master_events ? master : -1, master_events, 0},
        {out.len > 0 ? STDOUT_FILENO : -1, POLLOUT, 0},
    };
    struct timespec idle = {0, DRAIN_IDLE_MS * 1000000L};
    int n = ppoll(p, 3, reaped && out.len == 0 ? &idle : NULL, poll_mask);
    if (n < 0 && errno != EINTR) break;
    if (n == 0) break;  // exited, and nothing more came from the pty
    if (n < 0) continue;
    // berthd's side hung up (POLLHUP alone) or read to its end: no more input, output goes on.
    if (p[0].revents && (!(p[0].revents & POLLIN) || !fill(STDIN_FILENO, &in))) in_open = 0;
    if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && out.len == 0 && !fill(master, &out)) master_open = 0;
    // Every slave fd is closed: input has no reader any more.
    if (p[1].revents & (POLLHUP | POLLERR)) in.len = in.off = 0;
    if (in.len > 0 && (p[1].revents & POLLOUT) && !flush(master, &in)) in.len = in.off = 0;
    if (out.len > 0 && out_open && !flush(STDOUT_FILENO, &out)) out_open = 0;
  }
  while (!reaped && waitpid(child_pid, &status, 0) < 0 && errno == EINTR) {}
  return status;
}

// --- the two processes ----------------------------------------------------------------------------

static void forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

static int ns_type(const char *name) {
  if (!strcmp(name, "ipc")) return CLONE_NEWIPC;
  if (!strcmp(name, "uts")) return CLONE_NEWUTS;
  if (!strcmp(name, "net")) return CLONE_NEWNET;
  if (!strcmp(name, "pid")) return CLONE_NEWPID;
  if (!strcmp(name, "mnt")) return CLONE_NEWNS;
  if (!strcmp(name, "cgroup")) return CLONE_NEWCGROUP;
  if (!strcmp(name, "user")) return CLONE_NEWUSER;
  return -1;
}

static void join_namespaces(void) {
  int fds[8], types[8];
  // Open every namespace first: once in the container's mount namespace, /proc is its own.
  for (int i = 0; i < cfg.nns; i++) {
    char path[64];
    types[i] = ns_type(cfg.ns[i]);
    if (types[i] < 0) fail(126, "unknown namespace %s", cfg.ns[i]);
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)cfg.pid, cfg.ns[i]);
    if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) fail(126, "open %s: %s", path, errstr(errno));
  }
  // The user namespace first (it grants the rights to join the others), the mount one last.
  static const int order[] = {CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
                              CLONE_NEWPID,  CLONE_NEWCGROUP, CLONE_NEWNS};
  for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
    for (int i = 0; i < cfg.nns; i++)
      if (types[i] == order[o]) {
        if (setns(fds[i], types[i]) < 0) fail(126, "setns %s: %s", cfg.ns[i], errstr(errno));
        close(fds[i]);
      }
}

// Runs in the container: everything after the fork, up to execve.
static void start_process(int sync_fd) __attribute__((noreturn));
static void start_process(int sync_fd) {
  char go;
  // Wait until the parent has put this process into the container's cgroups.
  while (read(sync_fd, &go, 1) < 0 && errno == EINTR) {}
  close(sync_fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (setsid() < 0) fail_errno("setsid");
  if (cfg.tty && ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0) fail_errno("ioctl TIOCSCTTY");
  if (cfg.oom != NULL) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, cfg.oom, strlen(cfg.oom)) < 0) fail_errno("writing oom_score_adj");
    close(fd);
  }
  for (int i = 0; i < cfg.nrlimits; i++)
    if (setrlimit(cfg.rlimits[i].resource, &cfg.rlimits[i].value) < 0) fail_errno("setrlimit");
  char ring[128];
  snprintf(ring, sizeof ring, "_ses.%s", cfg.id ? cfg.id : "");
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, ring) < 0 && errno != ENOSYS)
    fail_errno("join session keyring");
  if (cfg.nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("prctl no_new_privs");
  if (!cfg.nnp) load_seccomp();
  // Nothing but stdio crosses into the process.
  if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3; fd < 1024; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  int last = last_cap();
  drop_bounding(last);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail_errno("prctl keepcaps");
  int cwd_done = chdir(cfg.cwd ? cfg.cwd : "/") == 0;
  if (!cwd_done && errno != EACCES)
    fail(126, "chdir to cwd (\"%s\") set in config.json failed: %s", cfg.cwd, errstr(errno));
  for (int fd = 0; fd <= 2; fd++) {
    struct stat st;
    // runc's fixStdioPermissions: the user owns its stdio, /dev/null excepted.
    if (fstat(fd, &st) == 0 && st.st_uid != cfg.uid && !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)))
      (void)!fchown(fd, cfg.uid, (gid_t)-1);
  }
  if (setgroups((size_t)cfg.ngroups, cfg.groups) < 0) fail_errno("setgroups");
  if (setresgid(cfg.gid, cfg.gid, cfg.gid) < 0) fail_errno("setgid");
  if (setresuid(cfg.uid, cfg.uid, cfg.uid) < 0) fail_errno("setuid");
  if (!cwd_done && chdir(cfg.cwd) < 0)
    fail(126, "chdir to cwd (\"%s\") set in config.json failed: %s", cfg.cwd, errstr(errno));
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail_errno("prctl keepcaps");
  apply_caps(last);
  if (cfg.apparmor != NULL) {
    int fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || dprintf(fd, "exec %s", cfg.apparmor) < 0) fail_errno("apparmor profile");
    close(fd);
  }
  char buf[4096];
  const char *file = look_path(cfg.args[0], buf, sizeof buf);
  if (faccessat(AT_FDCWD, file, X_OK, AT_EACCESS) < 0) fail(126, "exec %s: %s", file, errstr(errno));
  if (cfg.nnp) load_seccomp();
  execve(file, (char *const *)cfg.args, (char *const *)cfg.env);
  fail(errno == ENOENT ? 127 : 126, "exec %s: %s", file, errstr(errno));
}

int main(void) {
  size_t len = 0;
  char *buf = read_all(CONFIG_FD, &len);
  if (buf == NULL) {
    perror("berth-exec: reading the configuration on fd 3");
    return 126;
  }
  if (fcntl(CONFIG_FD, F_SETFD, FD_CLOEXEC) < 0) return 126;
  parse_config(buf, len);
  // Signals that arrive before the handlers are in place wait instead of killing this process
  // (with -t: wait for ppoll in relay; a resize from now on is not lost).
  sigset_t forwarded, old;
  static const int signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM};
  sigemptyset(&forwarded);
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaddset(&forwarded, signals[i]);
  if (cfg.tty) sigaddset(&forwarded, SIGCHLD);
  sigprocmask(SIG_BLOCK, &forwarded, &old);
  if (cfg.tty) own_outer_terminal();
  // Opened now, in the host's mount namespace: the child's pid goes in after the fork.
  int cgroup_fds[32];
  for (int i = 0; i < cfg.ncgroups; i++)
    if ((cgroup_fds[i] = open(cfg.cgroups[i], O_WRONLY | O_CLOEXEC)) < 0)
      fail(126, "open %s: %s", cfg.cgroups[i], errstr(errno));
  prepare_seccomp();
  join_namespaces();
  int master = -1, slave = -1;
  if (cfg.tty) master = open_container_pty(&slave);
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) < 0) fail_errno("pipe");
  child_pid = fork();
  if (child_pid < 0) fail_errno("fork");
  if (child_pid == 0) {
    close(sync[1]);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], SIG_DFL);
    if (slave >= 0) {
      // The container's pty is the process's stdio (start_process makes it its terminal).
      close(master);
      for (int fd = 0; fd <= 2; fd++)
        if (dup2(slave, fd) < 0) fail_errno("dup2 of the terminal");
      close(slave);
    }
    start_process(sync[0]);
  }
  close(sync[0]);
  if (slave >= 0) close(slave);
  char pid[24];
  int n = snprintf(pid, sizeof pid, "%d", (int)child_pid);
  for (int i = 0; i < cfg.ncgroups; i++) {
    if (write(cgroup_fds[i], pid, (size_t)n) < 0) {
      report("joining cgroup %s: %s", cfg.cgroups[i], errstr(errno));
      kill(child_pid, SIGKILL);
      waitpid(child_pid, NULL, 0);
      return 126;
    }
    close(cgroup_fds[i]);
  }
  dprintf(CONFIG_FD, "pid %d\n", (int)child_pid);
  struct sigaction sa = {.sa_handler = forward};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &sa, NULL);
  if (cfg.tty) {
    // A resize is the inner pty's business (it signals the process group itself), not forwarded.
    sa.sa_handler = on_winch;
    sigaction(SIGWINCH, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    copy_winsize(master);  // docker's ConsoleSize, set by berthd before this
  } else {
    sigprocmask(SIG_SETMASK, &old, NULL);
  }
  if (write(sync[1], "", 1) < 0) {
    report("releasing the process: %s", errstr(errno));
    kill(child_pid, SIGKILL);
  }
  close(sync[1]);
  int status;
  if (cfg.tty) {
    status = relay(master, &old);
  } else {
    while (waitpid(child_pid, &status, 0) < 0)
      if (errno != EINTR) return 126;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
