# Two vCPUs spinning on one host CPU see each other preempted (the shared
# page's preempted byte, the guest's vcpu_is_preempted()) and running,
# in turn: tests/guests/preempted.c with require=1.
. /pv/tests/lib.sh
taskset 1 timeout 120 pvrun --smp 2 --memory 64M --kernel /pv/guests/preempted.elf \
	--append require=1 > /tmp/preempted.out 2>&1
rc=$?
cat /tmp/preempted.out
[ $rc = 0 ] || fail "pvrun exit status $rc"
grep -q '^Test result: SUCCESS$' /tmp/preempted.out || fail "no SUCCESS"
exit 0
