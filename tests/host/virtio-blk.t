# virtio-blk: a guest boots from an ext4 root disk that mkfs.ext4 -d made
# from the busybox tree (root=/dev/vda), writes 16 MiB and their checksum,
# syncs and powers off; a second boot reads them back identical, and
# e2fsck -fn on the host finds the image clean.  Booted with ",ro", the
# disk refuses every write and the image does not change.  A second
# pvrun cannot open a disk that a running one writes.  virtio-rng feeds
# /dev/hwrng, and a second disk is /dev/vdb, written where it should be.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
img=/tmp/root.img
mkdir /tmp/tree && (cd /tmp/tree && cpio -id < /pv/tests/linux-disk.cpio 2>/dev/null) ||
	fail "cannot unpack the guest tree"
mkfs.ext4 -q -F -L pvroot -d /tmp/tree $img 160M || fail "mkfs.ext4 -d"

# boot PHASE MODE PVRUN-ARGS...: the guest's output in /tmp/PHASE.txt
boot()
{
	phase=$1 mode=$2
	shift 2
	timeout 280 pvrun --kernel /pv/vmlinux --memory 512M "$@" \
		--append "console=hvc0 root=/dev/vda $mode init=/init pvtest.phase=$phase pvtest.mib=${PV_IO_MIB:-16}" \
		> /tmp/$phase.out 2>&1
	rc=$?
	tr -d '\r' < /tmp/$phase.out > /tmp/$phase.txt
	grep -E '^(phase|root|disk-|written|read|want|ro|vd[ab]|hwrng)' /tmp/$phase.txt
	[ $rc = 0 ] || { tail -n 20 /tmp/$phase.txt; fail "$phase: pvrun exit status $rc"; }
	grep -q "^root: /dev/root ext4 $mode" /tmp/$phase.txt ||
		grep -q "^root: /dev/vda ext4 $mode" /tmp/$phase.txt ||
		fail "$phase: the root is not ext4 on /dev/vda, $mode"
	if grep -E 'WARNING|BUG|Oops|Call Trace|I/O error|EXT4-fs error' /tmp/$phase.txt; then
		fail "$phase: the guest kernel complained"
	fi
}

boot write rw --disk $img
sum=$(sed -n 's/^written: //p' /tmp/write.txt)
[ ${#sum} = 64 ] || fail "the guest did not write its checksum"
e2fsck -fn $img > /tmp/fsck.txt 2>&1 || { cat /tmp/fsck.txt; fail "e2fsck -fn after the write"; }

boot read rw --disk $img
grep -q "^read: $sum$" /tmp/read.txt || fail "read back differs from what was written"
grep -q "^want: $sum$" /tmp/read.txt || fail "the checksum file differs"
e2fsck -fn $img > /tmp/fsck.txt 2>&1 || { cat /tmp/fsck.txt; fail "e2fsck -fn after the read"; }

before=$(sha256sum < $img)
boot ro ro --disk $img,ro
grep -q '^vda ro: 1$' /tmp/ro.txt || fail "the guest does not see a read-only disk"
grep -q '^ro: done$' /tmp/ro.txt || fail "the read-only phase did not finish"
grep '^ro: .* succeeded' /tmp/ro.txt && fail "a write to the read-only disk succeeded"
[ "$(sha256sum < $img)" = "$before" ] || fail "the read-only disk changed"

dd if=/dev/zero of=/tmp/second.img bs=1M count=8 2>/dev/null
boot rng rw --disk $img --disk /tmp/second.img
grep -q '^hwrng: virtio_rng' /tmp/rng.txt || fail "virtio-rng is not the guest's hwrng"
grep -q '^hwrng bytes: 256$' /tmp/rng.txt || fail "/dev/hwrng gave no bytes"
grep -q '^vdb sectors: 16384$' /tmp/rng.txt || fail "the second disk is not an 8 MiB /dev/vdb"
[ "$(head -c 14 /tmp/second.img)" = pv-second-disk ] || fail "the write to /dev/vdb is not in its image"

# A disk a running pvrun writes cannot be opened by a second one.
hammer_start $img
pid=$hammer
expect_error "$img: in use" pvrun --kernel /pv/vmlinux --disk $img
expect_error "$img: in use" pvrun --kernel /pv/vmlinux --disk $img,ro
kill -9 $pid
wait $pid
exit 0
