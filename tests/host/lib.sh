# SPDX-License-Identifier: GPL-2.0
# Sourced by the host-VM tests (busybox sh).  A test exits 0 when it passed.

fail() { echo "FAILED: $*"; exit 1; }

# expect_error PATTERN CMD...: CMD must exit non-zero and print exactly one
# line on stderr (and nothing on stdout) matching PATTERN (grep -E).
expect_error()
{
	pattern=$1
	shift
	"$@" > /tmp/stdout 2> /tmp/stderr && fail "$* succeeded"
	lines=$(wc -l < /tmp/stderr)
	echo "\$ $*"
	cat /tmp/stdout /tmp/stderr
	[ -s /tmp/stdout ] && fail "$* printed on stdout"
	[ "$lines" = 1 ] || fail "$* printed $lines lines on stderr, want 1"
	grep -qE "$pattern" /tmp/stderr || fail "stderr does not match '$pattern'"
	return 0
}

module_loaded() { grep -q '^pvhost ' /proc/modules; }

# hammer_start IMAGE: boot the Linux guest from the ext4 IMAGE (made from
# linux-disk.cpio) writing to it without end; its pid in $hammer, its
# output in /tmp/hammer.out.  Fails unless it starts writing in 100 s.
hammer_start()
{
	pvrun --kernel /pv/vmlinux --memory 128M --disk "$1" \
		--append "console=hvc0 root=/dev/vda rw init=/init pvtest.phase=hammer" \
		> /tmp/hammer.out 2>&1 &
	hammer=$!
	for i in $(seq 100); do
		grep -q hammering /tmp/hammer.out && return 0
		sleep 1
	done
	kill -9 $hammer
	fail "the writing guest did not start"
}
