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

# wait_for TEXT: until the console output in $out (a pvrun the test
# started) has a line matching TEXT, at most 300 s; else pvrun is killed
# and the test fails, showing the output's end.
wait_for()
{
	for i in $(seq 300); do
		tr -d '\r' < "$out" | grep -q "$1" && return 0
		sleep 1
	done
	killall -9 pvrun 2>/dev/null
	tail -n 10 "$out"
	fail "waited in vain for '$1'"
}

# linux_pvtest KERNEL: boot KERNEL with 4 vCPUs and linux-test.cpio, which
# runs pvtest and pvsmp and powers off; pvrun must exit 0, the guest see
# 4 CPUs, every pvtest and pvsmp case pass and the kernel complain of
# nothing.  The console output is left in /tmp/linux.txt.  Where the host
# CPU has CPUID faulting, pvtest checks that user mode sees the guest
# kernel's CPUID.  Every vCPU thread on host CPU 1, so that the 4 vCPUs
# share one host CPU (steal time must show): each CPU's getcpu must
# still name itself (vdso-getcpu, smp-pinned-threads).
linux_pvtest()
{
	[ -f "$1" ] || fail "no guest kernel $1 in the host VM"
	append=console=hvc0
	grep -qw cpuid_fault /proc/cpuinfo && append="$append pvtest.cpuid_fault"
	# A host without CONFIG_SCHED_INFO (the debug host) keeps no run delay.
	[ -e /proc/self/schedstat ] || append="$append pvsmp.nosteal"
	timeout 420 taskset 2 pvrun --smp 4 --kernel "$1" \
		--initrd /pv/tests/linux-test.cpio \
		--append "$append" > /tmp/linux.out 2>&1
	rc=$?
	# (the console turns \n into \r\n, as a terminal wants)
	tr -d '\r' < /tmp/linux.out > /tmp/linux.txt
	tail -n 12 /tmp/linux.txt
	[ $rc = 0 ] || fail "pvrun exit status $rc"
	grep -q 'Linux version 6\.12' /tmp/linux.txt || fail "no kernel banner"
	grep -q '^pipe: THROUGH-A-PIPE$' /tmp/linux.txt || fail "pipes"
	grep -q '^child exit status: 7$' /tmp/linux.txt || fail "fork/exec/wait"
	grep '^PASS \|^FAIL \|^  ' /tmp/linux.txt
	grep -q '^pvtest: 0 failed$' /tmp/linux.txt || fail "pvtest failed"
	# Every case, by name.  (Once, under a heavy load, a block of console
	# lines came twice: not understood yet, so it is shown, not failed.)
	[ "$(grep '^PASS ' /tmp/linux.txt | grep -v '^PASS smp-' | sort -u | wc -l)" = 33 ] ||
		fail "pvtest did not run every case"
	if [ "$(grep -c '^PASS ' /tmp/linux.txt)" != 44 ]; then
		echo "NOTE: console lines repeated:"
		cat -n /tmp/linux.txt | tail -n 100
	fi
	grep -q '^cpus: 4$' /tmp/linux.txt || fail "the guest does not see 4 CPUs"
	grep -q 'pv: PV spinlocks on$' /tmp/linux.txt || fail "no paravirt spinlocks"
	grep -q '^pvsmp: 0 failed' /tmp/linux.txt || fail "pvsmp failed"
	[ "$(grep '^PASS smp-' /tmp/linux.txt | sort -u | wc -l)" = 11 ] ||
		fail "pvsmp did not run every case"
	grep -q '^pv-linux-test: userspace ok$' /tmp/linux.txt || fail "userspace"
	if grep -E 'WARNING|BUG|Oops|Call Trace' /tmp/linux.txt; then
		fail "the guest kernel complained"
	fi
}

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

# spin_start CPUMASK: hostile-spin.elf, spinning forever in the guest, on
# the CPUs of CPUMASK (taskset's); its pvrun's pid in $spin_pid, killed
# at exit.  Fails when the guest does not start within a minute (pinning
# its memory takes a while on the debug host).
spin_start()
{
	taskset "$1" pvrun --memory 64M --kernel /pv/guests/hostile-spin.elf > /tmp/spin.out 2>&1 &
	spin_pid=$!
	trap 'kill -9 $spin_pid 2>/dev/null' EXIT
	i=0
	while ! grep -q spinning /tmp/spin.out && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	grep -q spinning /tmp/spin.out || fail "the guest did not start"
	sleep 1
}
