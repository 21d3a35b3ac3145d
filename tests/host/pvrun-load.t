# pvrun creates a VM, pins its memory, loads a pv image with the boot
# protocol's layout and runs it.  pv_note.elf's first instruction is ud2,
# before it registered any event entry: the vCPU stops with an internal
# error that names the exception, and pvrun says so in one line.
. /pv/tests/lib.sh
expect_error '^pvrun: guest stopped: exception before the guest registered its event entry \(vector 6, error code 0, address 0, rip 0xffffffff81000000\)$' \
	pvrun --kernel /pv/tests/pv_note.elf --memory 64M --initrd /pv/pvhost.ko \
	--append 'console=hvc0'
# Everything went with pvrun: the module is not in use any more.
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
