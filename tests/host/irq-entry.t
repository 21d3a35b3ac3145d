# A line raised while the host is on its way into the guest is delivered
# at once (tests/guests/irq-entry.c), even with that way made 5 ms long.
. /pv/tests/lib.sh
p=/sys/module/pvhost/parameters/entry_delay_us
[ -w $p ] || fail "no $p"
# Killed by run-in-vm's timeout or not, the knob must not outlive the test.
trap 'echo 0 > $p' EXIT
trap 'exit 143' TERM INT
echo 5000 > $p
timeout 120 pvrun --memory 64M --kernel /pv/guests/irq-entry.elf > /tmp/irq-entry.out 2>&1
rc=$?
cat /tmp/irq-entry.out
[ $rc = 0 ] || fail "pvrun exit status $rc"
grep -q '^Test result: SUCCESS' /tmp/irq-entry.out || fail "lines waited for the tick"
