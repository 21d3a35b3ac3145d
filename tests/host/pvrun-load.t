# pvrun creates a VM, pins its memory and loads a pv image with the boot
# protocol's layout; running it needs PV_RUN, which is still to come.
. /pv/tests/lib.sh
pvrun --kernel /pv/tests/pv_note.elf --memory 64M --initrd /pv/pvhost.ko \
	--append 'console=hvc0' > /tmp/stdout 2> /tmp/stderr && fail "pvrun succeeded"
cat /tmp/stdout /tmp/stderr
grep -q 'loaded into 64 MiB, entry 0xffffffff81000000' /tmp/stderr || fail "not loaded"
# Everything went with pvrun: nothing stays locked or pinned.
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
# The test guests load the same way (they run once pvhost.ko has PV_RUN).
for g in /pv/guests/*.elf; do
	pvrun --kernel "$g" --memory 32M 2> /tmp/stderr && fail "$g: pvrun succeeded"
	cat /tmp/stderr
	grep -q 'loaded into 32 MiB' /tmp/stderr || fail "$g: not loaded"
done
