# --console virtio: pvrun's stdin and stdout are the guest's virtio-console
# (hvc1, the guest's /dev/console), through a pty as a terminal user would
# have it: once the shell is up, it answers what is typed, and poweroff
# ends the guest with pvrun's exit status 0.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
out=/tmp/vcon.out
mkfifo /tmp/vcon.in
timeout 280 /pv/tests/pty_run pvrun --console virtio --kernel /pv/vmlinux \
	--initrd /pv/rootfs.cpio < /tmp/vcon.in > $out 2>&1 &
pid=$!
exec 3> /tmp/vcon.in


wait_for 'built-in shell'
sleep 1
echo 'echo "console: $(cat /sys/class/tty/console/active)"' >&3
echo 'echo hi-from-$((40+2))' >&3
wait_for '^hi-from-42'
echo 'poweroff' >&3
wait $pid
rc=$?
exec 3>&-
tr -d '\r' < $out > /tmp/vcon.txt
tail -n 6 /tmp/vcon.txt
[ $rc = 0 ] || fail "exit status $rc"
grep -q '^console: hvc1$' /tmp/vcon.txt || fail "the guest's console is not hvc1"
grep -q 'virtio-mmio.*IRQ' /tmp/vcon.txt || fail "no kernel messages before the console"
exit 0
