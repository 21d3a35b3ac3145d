# Guest memory is not pinned (drivers/pv/memory.c): MADV_DONTNEED, a page
# mapped over another, a private file mapping, MADV_PAGEOUT, KSM and a
# storm of drops under a running guest, each seen by the guest at once;
# memory the launcher unmaps or protects stops the vCPU and nothing else
# (tests/host/progs/vm_memory.c).  Where the host has a block layer (the
# stock kernels' loop module), the file lives on ext4, whose page cache
# reclaim can take, else on tmpfs; and there is swap, on a loop device.
. /pv/tests/lib.sh
if [ -f /pv/modules/loop.ko ]; then
	one-cpu insmod /pv/modules/loop.ko 2>/dev/null
	mkfs.ext4 -q -F /tmp/vm-memory.img 64M > /dev/null 2>&1 || fail "mkfs.ext4"
	losetup /dev/loop7 /tmp/vm-memory.img || fail "losetup"
	mkdir -p /mnt/vm-memory && mount -t ext4 /dev/loop7 /mnt/vm-memory || fail "mount"
	export VM_MEMORY_DIR=/mnt/vm-memory
	# Swap on a second loop device (its file is in RAM, but it is swap).
	dd if=/dev/zero of=/tmp/vm-memory.swap bs=1M count=32 2> /dev/null
	losetup /dev/loop6 /tmp/vm-memory.swap && mkswap /dev/loop6 > /dev/null &&
		swapon /dev/loop6 && export VM_MEMORY_SWAP=1
	[ -n "$VM_MEMORY_SWAP" ] || fail "swap on a loop device"
fi
for t in dontneed replace file swap unmapped frame shared ksm storm; do
	/pv/tests/vm_memory $t || fail "$t"
done
if [ -n "$VM_MEMORY_DIR" ]; then
	umount /mnt/vm-memory && losetup -d /dev/loop7
	swapoff /dev/loop6 && losetup -d /dev/loop6
fi
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
