# A guest kernel panic (sysrq c, typed at its shell) ends pvrun with a
# non-zero status and one clear line; the host stays healthy (host-clean).
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
(sleep 2; echo 'echo c > /proc/sysrq-trigger') |
	timeout 280 pvrun --kernel /pv/vmlinux --initrd /pv/rootfs.cpio \
	--append console=hvc0 > /tmp/panic.out 2> /tmp/panic.err
rc=$?
tail -n 4 /tmp/panic.out
cat /tmp/panic.err
[ $rc = 2 ] || fail "pvrun exit status $rc, want 2 (guest crash)"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' /tmp/panic.out ||
	fail "no panic message from the guest"
grep -q '^pvrun: guest crash, status ' /tmp/panic.err || fail "no crash line from pvrun"
exit 0
