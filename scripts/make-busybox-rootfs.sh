#!/bin/sh
# Builds a minimal root filesystem in DIR from the host's static busybox, laid out like the
# official busybox image: bin/busybox plus one relative symlink per applet, a few users and
# groups, and the usual empty directories. Used for test images (no registry needed).
#
# usage: scripts/make-busybox-rootfs.sh DIR      (DIR must not exist or be empty)
# env:   BUSYBOX=/path/to/static/busybox (default /bin/busybox, from Debian's busybox-static)
set -eu

if [ "$#" -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
busybox=${BUSYBOX:-/bin/busybox}
# One fixed time for every file, so two builds are identical.
mtime=@1704067200

if [ ! -x "$busybox" ]; then
	echo "$0: $busybox not found or not executable (install busybox-static)" >&2
	exit 1
fi
# A dynamically linked busybox would need the host's libc inside the image (ldd fails on
# static binaries, and when ldd is missing we assume static).
if ldd "$busybox" >/dev/null 2>&1; then
	echo "$0: $busybox is dynamically linked; a static busybox is needed" >&2
	exit 1
fi
if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
	echo "$0: $dir is not empty" >&2
	exit 1
fi

umask 022
mkdir -p "$dir"
cd "$dir"

mkdir -p bin dev etc home proc root sys tmp usr/sbin var/spool/mail var/www
chmod 0700 root
chmod 1777 tmp

cp "$busybox" bin/busybox
chmod 0755 bin/busybox
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "bin/$applet"
done

cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >etc/group <<'EOF'
root:x:0:
daemon:x:1:
tty:x:5:
wheel:x:10:root
www-data:x:33:
users:x:100:
nogroup:x:65534:
EOF
cat >etc/shadow <<'EOF'
root:*::0:::::
daemon:*::0:::::
www-data:*::0:::::
nobody:*::0:::::
EOF
chmod 0640 etc/shadow

find . -exec touch -h -d "$mtime" {} +
