{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": ["native/berth_native.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "berth-exec",
      "type": "executable",
      "sources": ["native/berth_exec.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-lseccomp"]
    }
  ]
}
