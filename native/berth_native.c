// berth's one native addon: the few Linux syscalls Node's fs module lacks (mknod, the l*xattr
// family, syncfs). Each function is a thin synchronous wrapper; failures throw an Error shaped
// like Node's own fs errors ({ code: 'EEXIST', errno: -17, syscall, path }) so callers can
// match on `code` exactly as they do for fs.
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define PATH_BUF 4096
#define NAME_BUF 256 // XATTR_NAME_MAX + 1

// Returns NULL after throwing when a N-API call fails; every caller returns right away.
#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      throw_last(env);                                                                             \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

static void throw_last(napi_env env) {
  const napi_extended_error_info *info = NULL;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, "ERR_BERTH_NATIVE",
                   info && info->error_message ? info->error_message : "N-API call failed");
}

// Throws an Error carrying errno details the way libuv-backed fs errors do.
static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  const char *code = uv_err_name(-err);
  char message[PATH_BUF + 128];
  snprintf(message, sizeof message, "%s: %s, %s '%s'", code, strerror(err), syscall, path);
  napi_value code_v, msg_v, error, errno_v, syscall_v, path_v;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v) != napi_ok ||
      napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg_v) != napi_ok ||
      napi_create_error(env, code_v, msg_v, &error) != napi_ok ||
      napi_create_int32(env, -err, &errno_v) != napi_ok ||
      napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_v) != napi_ok ||
      napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &path_v) != napi_ok) {
    throw_last(env);
    return NULL;
  }
  napi_set_named_property(env, error, "errno", errno_v);
  napi_set_named_property(env, error, "syscall", syscall_v);
  napi_set_named_property(env, error, "path", path_v);
  napi_throw(env, error);
  return NULL;
}

// Reads argument `i` as a string into buf; throws a TypeError when it is not a string or too long.
static bool get_string(napi_env env, napi_value v, char *buf, size_t size, const char *what) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return false;
  }
  if (len >= size || napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", what);
    return false;
  }
  if (strlen(buf) != len) { // an embedded NUL would silently shorten the path
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", what);
    return false;
  }
  return true;
}

static bool get_u32(napi_env env, napi_value v, uint32_t *out, const char *what) {
  if (napi_get_value_uint32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return false;
  }
  return true;
}

static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "missing arguments");
    return false;
  }
  return true;
}

// mknod(path, mode, major, minor): mode carries the file type (S_IFCHR, S_IFBLK, S_IFIFO).
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char path[PATH_BUF];
  uint32_t mode, major_n, minor_n;
  if (!get_args(env, info, 4, argv) || !get_string(env, argv[0], path, sizeof path, "path must be a string") ||
      !get_u32(env, argv[1], &mode, "mode must be a number") ||
      !get_u32(env, argv[2], &major_n, "major must be a number") ||
      !get_u32(env, argv[3], &minor_n, "minor must be a number"))
    return NULL;
  if (mknod(path, (mode_t)mode, makedev(major_n, minor_n)) != 0) return throw_errno(env, errno, "mknod", path);
  return NULL;
}

// lsetxattr(path, name, value: Buffer): creates or replaces; never follows a final symlink.
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char path[PATH_BUF], name[NAME_BUF];
  void *data = NULL;
  size_t len = 0;
  bool is_buffer = false;
  if (!get_args(env, info, 3, argv) || !get_string(env, argv[0], path, sizeof path, "path must be a string") ||
      !get_string(env, argv[1], name, sizeof name, "name must be a string"))
    return NULL;
  CHECK(napi_is_buffer(env, argv[2], &is_buffer));
  if (!is_buffer) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "value must be a Buffer");
    return NULL;
  }
  CHECK(napi_get_buffer_info(env, argv[2], &data, &len));
  if (lsetxattr(path, name, data, len, 0) != 0) return throw_errno(env, errno, "lsetxattr", path);
  return NULL;
}

// lgetxattr(path, name) -> Buffer, or null when the attribute is absent (ENODATA).
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  char path[PATH_BUF], name[NAME_BUF];
  if (!get_args(env, info, 2, argv) || !get_string(env, argv[0], path, sizeof path, "path must be a string") ||
      !get_string(env, argv[1], name, sizeof name, "name must be a string"))
    return NULL;
  for (;;) { // the value may grow between the size query and the read: retry on ERANGE
    ssize_t size = lgetxattr(path, name, NULL, 0);
    if (size < 0) {
      if (errno == ENODATA) {
        CHECK(napi_get_null(env, &result));
        return result;
      }
      return throw_errno(env, errno, "lgetxattr", path);
    }
    void *data = NULL;
    CHECK(napi_create_buffer(env, (size_t)size, &data, &result));
    ssize_t got = size == 0 ? 0 : lgetxattr(path, name, data, (size_t)size);
    if (got == size) return result;
    if (got >= 0 || errno != ERANGE) return throw_errno(env, got >= 0 ? EIO : errno, "lgetxattr", path);
  }
}

// llistxattr(path) -> string[] of attribute names.
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  char path[PATH_BUF];
  if (!get_args(env, info, 1, argv) || !get_string(env, argv[0], path, sizeof path, "path must be a string"))
    return NULL;
  for (;;) {
    ssize_t size = llistxattr(path, NULL, 0);
    if (size < 0) return throw_errno(env, errno, "llistxattr", path);
    char *names = malloc(size > 0 ? (size_t)size : 1);
    if (names == NULL) return throw_errno(env, ENOMEM, "llistxattr", path);
    ssize_t got = size == 0 ? 0 : llistxattr(path, names, (size_t)size);
    if (got < 0) {
      int err = errno;
      free(names);
      if (err == ERANGE) continue;
      return throw_errno(env, err, "llistxattr", path);
    }
    uint32_t count = 0;
    if (napi_create_array(env, &result) != napi_ok) {
      free(names);
      throw_last(env);
      return NULL;
    }
    for (ssize_t at = 0; at < got;) { // names are NUL-terminated, back to back
      size_t len = strnlen(names + at, (size_t)(got - at));
      napi_value s;
      if (napi_create_string_utf8(env, names + at, len, &s) != napi_ok ||
          napi_set_element(env, result, count++, s) != napi_ok) {
        free(names);
        throw_last(env);
        return NULL;
      }
      at += (ssize_t)len + 1;
    }
    free(names);
    return result;
  }
}

// syncfs(path): flushes the whole filesystem holding path, one call instead of an fsync per file.
static napi_value js_syncfs(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char path[PATH_BUF];
  if (!get_args(env, info, 1, argv) || !get_string(env, argv[0], path, sizeof path, "path must be a string"))
    return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, errno, "open", path);
  if (syncfs(fd) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "syncfs", path);
  }
  close(fd);
  return NULL;
}

// --- mounts (the container run path: one syscall instead of spawning mount(8)/umount(8)) ---

// mountFs(source, target, fstype, data): mount(2) with flags 0, e.g. an overlay with its
// lowerdir=/upperdir=/workdir= options in data. Synchronous: an overlay mount takes well under a
// millisecond, far less than the fork+exec it replaces.
static napi_value js_mount_fs(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char source[PATH_BUF], target[PATH_BUF], fstype[NAME_BUF], data[PATH_BUF];
  if (!get_args(env, info, 4, argv) ||
      !get_string(env, argv[0], source, sizeof source, "source must be a string") ||
      !get_string(env, argv[1], target, sizeof target, "target must be a string") ||
      !get_string(env, argv[2], fstype, sizeof fstype, "fstype must be a string") ||
      !get_string(env, argv[3], data, sizeof data, "data must be a string"))
    return NULL;
  if (mount(source, target, fstype, 0, data) != 0) return throw_errno(env, errno, "mount", target);
  return NULL;
}

// umount(target, detach): umount2(2), with MNT_DETACH when detach (umount --lazy).
static napi_value js_umount(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char target[PATH_BUF];
  bool detach = false;
  if (!get_args(env, info, 2, argv) || !get_string(env, argv[0], target, sizeof target, "target must be a string"))
    return NULL;
  CHECK(napi_get_value_bool(env, argv[1], &detach));
  if (umount2(target, detach ? MNT_DETACH : 0) != 0) return throw_errno(env, errno, "umount2", target);
  return NULL;
}

// --- terminals and unix sockets for exec/attach (Node has no pty and no SOCK_SEQPACKET) ---

// unixConnect(path, seqpacket): a connected unix socket (SOCK_SEQPACKET when seqpacket, as
// conmon's attach socket is); returns its fd.
static napi_value js_unix_connect(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  bool seqpacket = false;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (!get_args(env, info, 2, argv) ||
      !get_string(env, argv[0], addr.sun_path, sizeof addr.sun_path, "path must be a short string"))
    return NULL;
  CHECK(napi_get_value_bool(env, argv[1], &seqpacket));
  int fd = socket(AF_UNIX, (seqpacket ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, errno, "socket", addr.sun_path);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "connect", addr.sun_path);
  }
  CHECK(napi_create_int32(env, fd, &result));
  return result;
}

// openpty(): [master, slave] of a new pseudo-terminal, both close-on-exec and the master
// non-blocking (read through a libuv tty handle). The slave becomes runc's stdio for exec -t.
static napi_value js_openpty(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, m_v, s_v;
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return throw_errno(env, errno, "posix_openpt", "/dev/ptmx");
  char name[128];
  if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0) {
    int err = errno;
    close(master);
    return throw_errno(env, err, "unlockpt", "/dev/ptmx");
  }
  int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    int err = errno;
    close(master);
    return throw_errno(env, err, "open", name);
  }
  CHECK(napi_create_array_with_length(env, 2, &result));
  CHECK(napi_create_int32(env, master, &m_v));
  CHECK(napi_create_int32(env, slave, &s_v));
  CHECK(napi_set_element(env, result, 0, m_v));
  CHECK(napi_set_element(env, result, 1, s_v));
  return result;
}

// setWinsize(fd, rows, cols): TIOCSWINSZ on a terminal (the pty master); the kernel sends
// SIGWINCH to the foreground process group on the other side.
static napi_value js_set_winsize(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint32_t fd, rows, cols;
  if (!get_args(env, info, 3, argv) || !get_u32(env, argv[0], &fd, "fd must be a number") ||
      !get_u32(env, argv[1], &rows, "rows must be a number") ||
      !get_u32(env, argv[2], &cols, "cols must be a number"))
    return NULL;
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl((int)fd, TIOCSWINSZ, &ws) != 0) return throw_errno(env, errno, "ioctl", "TIOCSWINSZ");
  return NULL;
}

// dupCloexec(fd): a second descriptor of the same open file (a pty master read and written by
// separate Node handles).
static napi_value js_dup_cloexec(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  uint32_t fd;
  if (!get_args(env, info, 1, argv) || !get_u32(env, argv[0], &fd, "fd must be a number")) return NULL;
  int copy = fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return throw_errno(env, errno, "fcntl", "F_DUPFD_CLOEXEC");
  CHECK(napi_create_int32(env, copy, &result));
  return result;
}

// x32SyscallsRun(): whether this kernel runs x32-ABI syscalls (CONFIG_X86_X32_ABI and not
// syscall.x32=n): getpid with the x32 bit set answers a pid, or ENOSYS when x32 is off. False
// on other architectures.
static napi_value js_x32_syscalls_run(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#if defined(__x86_64__)
  bool runs = syscall(0x40000000L | SYS_getpid) >= 0;
#else
  bool runs = false;
#endif
  CHECK(napi_get_boolean(env, runs, &result));
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_enumerable, NULL},
      {"syncfs", NULL, js_syncfs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unixConnect", NULL, js_unix_connect, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openpty", NULL, js_openpty, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setWinsize", NULL, js_set_winsize, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dupCloexec", NULL, js_dup_cloexec, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mountFs", NULL, js_mount_fs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"umount", NULL, js_umount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"x32SyscallsRun", NULL, js_x32_syscalls_run, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
