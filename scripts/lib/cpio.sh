# SPDX-License-Identifier: GPL-2.0
# Sourced: build initramfs archives with the kernel's own gen_init_cpio, so
# that device nodes and root ownership need no root and no mknod.
#
#   cpio_begin SPEC          start an empty spec file
#   cpio_busybox             busybox, its applet links, /dev/console, base dirs
#   cpio_add SRC DEST        a file, symlink or whole directory at DEST
#   cpio_text DEST MODE      a file from stdin
#   cpio_program SRC DEST    a dynamic executable and the libraries it needs
#   cpio_write OUT           write the archive
#
# Parents of every DEST are created as needed.

declare -A cpio_dirs cpio_libs
cpio_spec=
cpio_tmp=

cpio_tool()
{
	local tool=$PV_BUILD/tools/gen_init_cpio src=$PV_BUILD/src/linux/usr/gen_init_cpio.c
	if [ ! -x "$tool" ] || [ "$src" -nt "$tool" ]; then
		"$PV_TOP/scripts/prepare-source"
		mkdir -p "$PV_BUILD/tools"
		cc -O2 -o "$tool" "$src"
	fi
	echo "$tool"
}

cpio_begin()
{
	cpio_spec=$1
	cpio_tmp=$(mktemp -d "$PV_BUILD/cpio.XXXXXX")
	cpio_dirs=([/]=1)
	cpio_libs=()
	: > "$cpio_spec"
}

cpio_mkdir()
{
	local d=$1
	[ -n "${cpio_dirs[$d]:-}" ] && return
	cpio_mkdir "$(dirname "$d")"
	echo "dir $d 0755 0 0" >> "$cpio_spec"
	cpio_dirs[$d]=1
}

cpio_add()
{
	local src=$1 dest=$2 f rel
	if [ -L "$src" ]; then
		cpio_mkdir "$(dirname "$dest")"
		echo "slink $dest $(readlink "$src") 0777 0 0" >> "$cpio_spec"
	elif [ -d "$src" ]; then
		cpio_mkdir "$dest"
		while IFS= read -r -d '' f; do
			rel=${f#"$src"}
			cpio_add "$f" "$dest$rel"
		done < <(find "$src" -mindepth 1 -maxdepth 1 -print0 | LC_ALL=C sort -z)
	elif [ -f "$src" ]; then
		cpio_mkdir "$(dirname "$dest")"
		echo "file $dest $(realpath "$src") $(stat -c %a "$src") 0 0" >> "$cpio_spec"
	else
		echo "cpio: $src: no such file or directory" >&2
		return 1
	fi
}

cpio_text()
{
	local f
	f=$(mktemp "$cpio_tmp/text.XXXXXX")
	cat > "$f"
	chmod "$2" "$f"
	cpio_add "$f" "$1"
}

cpio_busybox()
{
	local bb=/bin/busybox app
	for d in /dev /proc /sys /tmp /root /etc /run /mnt; do cpio_mkdir "$d"; done
	echo "nod /dev/console 0600 0 0 c 5 1" >> "$cpio_spec"
	echo "nod /dev/null 0666 0 0 c 1 3" >> "$cpio_spec"
	cpio_add "$bb" /bin/busybox
	for app in $("$bb" --list-full); do
		[ "/$app" = /bin/busybox ] && continue
		cpio_mkdir "$(dirname "/$app")"
		echo "slink /$app /bin/busybox 0777 0 0" >> "$cpio_spec"
	done
}

cpio_program()
{
	local src=$1 dest=$2 lib
	cpio_add "$(realpath "$src")" "$dest"
	for lib in $(ldd "$src" | grep -oE '/[^ ]+\.so[^ ]*'); do
		[ -n "${cpio_libs[$lib]:-}" ] && continue
		cpio_libs[$lib]=1
		cpio_add "$(realpath "$lib")" "$lib"
	done
}

# cpio_add_spec SRC:DEST — the --add option of mkrootfs and hostvm.
cpio_add_spec()
{
	local spec=$1 src dest
	src=${spec%%:*} dest=${spec#*:}
	if [ "$src" = "$spec" ] || [ -z "$src" ] || [ "${dest:0:1}" != / ]; then
		echo "--add $spec: expected SRC:/ABSOLUTE/DEST" >&2
		return 1
	fi
	cpio_add "$src" "$dest"
}

cpio_write()
{
	local tool
	tool=$(cpio_tool)
	"$tool" "$cpio_spec" > "$1.tmp"
	mv "$1.tmp" "$1"
	rm -rf "$cpio_tmp"
}
