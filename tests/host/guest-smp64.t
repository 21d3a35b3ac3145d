# 64 vCPUs, the most a VM has, all running at once on the host VM's 2
# CPUs: the SMP test guest (tests/guests/smp.c) starts every one, counts
# with all of them, sends IPIs to one and to all, stops and restarts one.
# Cheap enough for the debug host, where a 64-vCPU Linux boot
# (linux-smp64.t) takes eight minutes: stock-max runs that one.
. /pv/tests/lib.sh
timeout 300 pvrun --smp 64 --memory 64M --kernel /pv/guests/smp.elf \
	> /tmp/smp64g.out 2>&1
rc=$?
grep -E '^(64 vCPUs|counter|Test result)' /tmp/smp64g.out
[ $rc = 0 ] || { tail -n 20 /tmp/smp64g.out; fail "pvrun exit status $rc"; }
grep -q '^64 vCPUs$' /tmp/smp64g.out || fail "the guest does not have 64 vCPUs"
grep -q '^Test result: SUCCESS$' /tmp/smp64g.out || fail "the guest failed"
exit 0
