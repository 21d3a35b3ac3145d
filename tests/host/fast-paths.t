# The switcher's fast paths (a user SYSCALL delivered, ERETU and ERETS
# taken, with no exit: Documentation/pv/switcher.rst) give the guest what
# the slow path in C gives it.  tests/guests/fastpath.c runs the same
# syscalls, ERETU and ERETS frames with them on and off (the fast_paths
# parameter): both runs must pass and print the same digest of everything
# the guest saw; with them on, the syscalls and ERETS cost almost no
# exits, off at least two per syscall and one per ERETS.
# Then a Linux guest boots and passes pvtest with them off, and every
# test guest runs with them off, so that the slow path, now seldom
# taken, stays right.
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
# And every test guest with them off (fastpath.elf ran both ways above;
# the hostile ones run in hostile-guests.t), as run-in-vm runs them.
ran=0
for g in /pv/guests/*.elf; do
	n=$(basename "$g" .elf)
	case $n in hostile-*|fastpath) continue ;; esac
	args=$(cat "${g%.elf}.args" 2>/dev/null)
	case " $args " in *" --memory "*) ;; *) args="--memory 64M $args" ;; esac
	# shellcheck disable=SC2086
	timeout 120 pvrun $args --kernel "$g" > /tmp/off.out 2>&1
	rc=$?
	v=$(sed -n 's/^Test result: //p' /tmp/off.out | tail -n 1)
	if [ $rc != 0 ] || { [ "$v" != SUCCESS ] && [ "$v" != SKIP ]; }; then
		cat /tmp/off.out
		fail "guest $n with the fast paths off: status $rc, verdict '${v:-none}'"
	fi
	echo "fast paths off: $n $v"
	ran=$((ran + 1))
done
[ $ran -ge 20 ] || fail "only $ran test guests ran with the fast paths off"
