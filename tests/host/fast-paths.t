# The switcher's fast paths (a user SYSCALL delivered, ERETU and ERETS
# taken, with no exit: Documentation/pv/switcher.rst) give the guest what
# the slow path in C gives it.  tests/guests/fastpath.c runs the same
# syscalls, ERETU and ERETS frames with them on and off (the fast_paths
# parameter): both runs must pass and print the same digest of everything
# the guest saw; with them on, the syscalls and ERETS cost almost no
# exits, off at least two per syscall and one per ERETS.
# Then a Linux guest boots and passes pvtest with them off, so that the
# slow path, now seldom taken, stays right.
. /pv/tests/lib.sh
p=/sys/module/pvhost/parameters/fast_paths
[ -w $p ] || fail "no $p"
trap 'echo 1 > $p' EXIT
trap 'exit 143' TERM INT
run_fastpath()
{
	echo "$1" > $p
	timeout 120 pvrun --memory 64M --kernel /pv/guests/fastpath.elf \
		--append "fast=$1" > "/tmp/fastpath$1.out" 2>&1
	rc=$?
	cat "/tmp/fastpath$1.out"
	[ $rc = 0 ] || fail "fast_paths=$1: pvrun exit status $rc"
	grep -q '^Test result: SUCCESS' "/tmp/fastpath$1.out" ||
		fail "fast_paths=$1: no SUCCESS verdict"
}
run_fastpath 1
run_fastpath 0
on=$(grep -E '^(fastpath digest|  refused:)' /tmp/fastpath1.out)
off=$(grep -E '^(fastpath digest|  refused:)' /tmp/fastpath0.out)
[ -n "$on" ] && [ "$on" = "$off" ] || fail "the fast and slow paths differ"
echo 0 > $p
linux_pvtest /pv/vmlinux
grep -q '^pvtest: 0 failed$' /tmp/linux.txt || fail "pvtest with the fast paths off"
