# pvrun --exit-counts: when the guest ends, pvrun says on stderr how often
# it exited and why (PV_GET_EXIT_COUNTS).  The hello guest writes to the
# console (hypercall 0) and powers off (hypercall 1); without the option
# pvrun says nothing of it.
. /pv/tests/lib.sh
pvrun --memory 64M --kernel /pv/guests/hello.elf > /tmp/out 2> /tmp/plain || fail "hello failed"
[ -s /tmp/plain ] && fail "pvrun printed on stderr without --exit-counts"
pvrun --exit-counts --memory 64M --kernel /pv/guests/hello.elf > /tmp/out 2> /tmp/err ||
	fail "hello failed with --exit-counts"
cat /tmp/err
grep -qE '^pvrun: [1-9][0-9]* exits: ' /tmp/err || fail "no exit total"
grep -qE '^pvrun: hypercalls by number:.* 0:[1-9][0-9]* 1:1( |$)' /tmp/err ||
	fail "console writes and the shutdown are not counted"
grep -q '^pvrun: exceptions by number:' /tmp/err || fail "no exceptions line"
exit 0
