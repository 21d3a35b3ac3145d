# Without pvhost.ko, pvrun says so in one line and exits non-zero.
. /pv/tests/lib.sh
one-cpu rmmod pvhost || fail "rmmod"
# --version still names pvrun itself on stdout, then the one error line.
pvrun --version > /tmp/stdout 2> /tmp/stderr && fail "pvrun --version succeeded"
cat /tmp/stdout /tmp/stderr
grep -qE '^pvrun [0-9.]+ \(pv ABI 2, pvhost API 1\)$' /tmp/stdout || fail "no pvrun version line"
[ "$(wc -l < /tmp/stdout)" = 1 ] || fail "stdout is not one line"
[ "$(wc -l < /tmp/stderr)" = 1 ] || fail "stderr is not one line"
grep -qx 'pvrun: /dev/pvhost: No such file or directory (is pvhost.ko loaded?)' /tmp/stderr ||
	fail "wrong error line"
expect_error '\(is pvhost.ko loaded\?\)$' pvrun --kernel /pv/tests/pv_note.elf
one-cpu insmod /pv/pvhost.ko || fail "insmod"
