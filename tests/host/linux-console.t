# Typing at the Linux guest's console: pvrun's stdin reaches the guest's
# shell on hvc0 (PV_CONSOLE_INPUT, PV_HC_CONSOLE_READ), through a pty as
# a terminal user would have it, and the shell's answer comes back;
# poweroff, as typed, ends the guest and pvrun exits 0.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
(sleep 2; echo 'echo hi-from-$((40+2))'; sleep 1; echo 'poweroff') |
	timeout 280 /pv/tests/pty_run pvrun --kernel /pv/vmlinux \
	--initrd /pv/rootfs.cpio --append console=hvc0 > /tmp/console.out 2>&1
rc=$?
tr -d '\r' < /tmp/console.out > /tmp/console.txt
tail -n 6 /tmp/console.txt
[ $rc = 0 ] || fail "exit status $rc"
grep -q '^hi-from-42$' /tmp/console.txt || fail "the guest's shell did not answer"
exit 0
