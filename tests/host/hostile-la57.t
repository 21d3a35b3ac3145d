# Addresses canonical only with 5-level paging (a 4-level guest has none)
# are a #PF for the guest on a 5-level host, never a shadow entry: before,
# a read of 0xff00000000001000 wrote the guest's page into the switcher's
# own tables and hung the host.  On a 4-level host the CPU gives #GP for
# them and there is nothing to test: SKIP.
. /pv/tests/lib.sh
timeout 120 pvrun --memory 64M --kernel /pv/guests/hostile-la57-alias.elf > /tmp/la57.out 2>&1
rc=$?
cat /tmp/la57.out
[ $rc = 0 ] || fail "pvrun exit status $rc"
if grep -q '^Test result: SKIP' /tmp/la57.out; then
	grep -qw la57 /proc/cpuinfo &&
		fail "the host uses 5-level paging, yet the guest saw #GP"
	echo "the host uses 4-level paging: no 57-bit addresses to try"
	exit 77
fi
grep -q '^Test result: SUCCESS' /tmp/la57.out || fail "no SUCCESS verdict"
