# Guests that misbehave on purpose: the host stops them with one clear
# line and stays healthy (host-clean checks dmesg, KASAN and kmemleak).
. /pv/tests/lib.sh
expect_error '^pvrun: guest stopped: guest page tables point outside guest memory' \
	sh -c 'pvrun --kernel /pv/guests/hostile-bad-pte.elf > /dev/null'
expect_error '^pvrun: guest stopped: ' \
	sh -c 'pvrun --kernel /pv/guests/hostile-garbage-cr3.elf > /dev/null'
expect_error '^pvrun: guest stopped: MMIO by an instruction pvhost does not emulate \(vector 14, .*address 0xc0001000' \
	sh -c 'pvrun --kernel /pv/guests/hostile-mmio-insn.elf > /dev/null'
# 100000 random hypercalls: the guest survives them and says so.
timeout 600 pvrun --kernel /pv/guests/hostile-hypercalls.elf > /tmp/hc.out 2>&1
rc=$?
tail -n 3 /tmp/hc.out
[ $rc = 0 ] || fail "pvrun exit status $rc"
grep -q '^Test result: SUCCESS' /tmp/hc.out || fail "no SUCCESS verdict"
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
