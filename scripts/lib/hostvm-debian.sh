# SPDX-License-Identifier: GPL-2.0
# scripts/hostvm --image debian: sourced by hostvm, never run.
#
# debian_prepare COMMAND...: the disk (the cached image from
# scripts/mkhostimage, copied), the chosen kernel and initrd taken out of
# it, and the second disk (label pvin, mounted at /pv) holding COMMAND and
# the --add files; the image's pv-command.service runs /pv/command.
debian_prepare()
{
	local base release a src dest

	base=$("$PV_TOP/scripts/mkhostimage") || die "no Debian host image (scripts/mkhostimage failed)"
	case "$disk" in *,*) die "--disk $disk: a path without commas (QEMU's -drive)" ;; esac
	if [ -z "$disk" ]; then
		disk=$work/disk.img
		cp --sparse=always "$base" "$disk"
	elif [ ! -f "$disk" ]; then
		cp --sparse=always "$base" "$disk"
	fi
	case "$kver" in
	6.1) release=$PV_KRELEASE61 ;;
	6.12) release=$PV_KRELEASE ;;
	*) die "--kernel must be 6.12 or 6.1, not '$kver'" ;;
	esac
	# The kernel installed on the disk, as its boot loader would take it.
	for a in "vmlinuz:$work/vmlinuz" "initrd.img:$work/initrd"; do
		debugfs -R "dump /boot/${a%%:*}-$release ${a#*:}" "$disk" 2> /dev/null
		[ -s "${a#*:}" ] || die "$disk has no /boot/${a%%:*}-$release: is kernel $kver installed there?"
	done
	mkdir -p "$work/pvin"
	for a in "${adds[@]}"; do
		src=${a%%:*} dest=${a#*:}
		case "$dest" in
		*/../*|*/..|/pv/command) die "--add $a: not a DEST for --image debian" ;;
		/pv/?*) ;;
		*) die "--add $a: with --image debian, DEST is under /pv" ;;
		esac
		[ -e "$src" ] || die "--add $a: no $src"
		mkdir -p "$(dirname "$work/pvin/${dest#/pv/}")"
		if [ -d "$src" ]; then
			mkdir -p "$work/pvin/${dest#/pv/}"
			cp -a "$src/." "$work/pvin/${dest#/pv/}/"
		else
			cp -a "$src" "$work/pvin/${dest#/pv/}"
		fi
	done
	{
		printf 'cd /root\n'
		printf '%q ' "$@"
		printf '\n'
	} > "$work/pvin/command"
	chmod 0755 "$work/pvin/command"
	mke2fs -q -t ext4 -L pvin -d "$work/pvin" "$work/pvin.img" \
		"$(( $(du -sm "$work/pvin" | cut -f1) + 64 ))M" > /dev/null
}
