# Guests that misbehave on purpose: the host stops them with one clear
# line, or gives them a fault, and stays healthy (host-clean checks
# dmesg, KASAN and kmemleak).
. /pv/tests/lib.sh
expect_error '^pvrun: guest stopped: guest page tables point outside guest memory' \
	sh -c 'pvrun --kernel /pv/guests/hostile-bad-pte.elf > /dev/null'
expect_error '^pvrun: guest stopped: ' \
	sh -c 'pvrun --kernel /pv/guests/hostile-garbage-cr3.elf > /dev/null'
# MMIO by an instruction the decoder refuses: a #GP for the guest.
pvrun --kernel /pv/guests/hostile-mmio-insn.elf > /tmp/mmio.out 2>&1 ||
	{ cat /tmp/mmio.out; fail "hostile-mmio-insn: pvrun exit status $?"; }
grep 'MMIO by ADD' /tmp/mmio.out
grep -q '^Test result: SUCCESS' /tmp/mmio.out || fail "hostile-mmio-insn: no #GP"
# RIP stepping to 0x800000000000 (hypercall, emulation, user SYSCALL):
# a #GP for the guest, never a host CPU stuck in the switcher.
pvrun --kernel /pv/guests/hostile-noncanonical-rip.elf > /tmp/rip.out 2>&1 ||
	{ cat /tmp/rip.out; fail "hostile-noncanonical-rip: pvrun exit status $?"; }
grep -E '0x7ffffffffffe|survived' /tmp/rip.out
grep -q '^Test result: SUCCESS' /tmp/rip.out || fail "hostile-noncanonical-rip: no #GP"
# 100000 random hypercalls: the guest survives them and says so.
timeout 600 pvrun --kernel /pv/guests/hostile-hypercalls.elf > /tmp/hc.out 2>&1
rc=$?
tail -n 3 /tmp/hc.out
[ $rc = 0 ] || fail "pvrun exit status $rc"
grep -q '^Test result: SUCCESS' /tmp/hc.out || fail "no SUCCESS verdict"
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
