# pvrun killed with SIGKILL while its guest writes to its ext4 root disk
# as fast as it can: the VM is freed (the module is unused), the disk's
# lock goes with the process, e2fsck repairs the image (journal replay)
# and then finds it clean, and the guest boots from it again.  host-clean
# then checks the host's dmesg and, on the debug kernel, kmemleak.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
img=/tmp/kill.img
mkdir /tmp/ktree && (cd /tmp/ktree && cpio -id < /pv/tests/linux-disk.cpio 2>/dev/null) ||
	fail "cannot unpack the guest tree"
mkfs.ext4 -q -F -d /tmp/ktree $img 96M || fail "mkfs.ext4 -d"

hammer_start $img
pid=$hammer
sleep 3				# well into the writes
kill -9 $pid
wait $pid
pidof pvrun && fail "a pvrun is left"
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use after the kill"

e2fsck -fy $img > /tmp/fsck.txt 2>&1
rc=$?
cat /tmp/fsck.txt
[ $rc -le 1 ] || fail "e2fsck -fy could not repair the image (status $rc)"
e2fsck -fn $img > /tmp/fsck.txt 2>&1 || { cat /tmp/fsck.txt; fail "not clean after the repair"; }
echo "e2fsck: repaired (status $rc), then clean"

timeout 120 pvrun --kernel /pv/vmlinux --memory 128M --disk $img \
	--append "console=hvc0 root=/dev/vda rw init=/init pvtest.phase=rng" > /tmp/again.out 2>&1 ||
	{ tail -n 20 /tmp/again.out; fail "the guest does not boot from the repaired disk"; }
grep -q 'hwrng bytes: 256' /tmp/again.out || fail "the guest did not finish on the repaired disk"
echo "booted again from the repaired disk"
