# The Linux guest (make guest) boots under pvhost.ko to its busybox
# userspace, runs a few commands and tests/linux/pvtest there (fork/exec,
# signals on an alternate stack, pipes, pthreads, TLS, mprotect and
# SIGSEGV, copy-on-write, /proc and /sys, clocks and nanosleep, the vDSO
# clock without a system call, 64 MiB,
# ptrace single-stepping, user mode's CPUID, AVX state per process, no
# protection keys, every page-table change with its flush, the system
# calls a distribution kernel has, FS/GS bases written by user mode,
# getcpu, a far return and IRETQ within user mode, and processes with
# hostile register state) and powers off:
# pvrun exits 0.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
# Where the host CPU has CPUID faulting, pvtest checks that user mode sees
# the guest kernel's CPUID.
append=console=hvc0
grep -qw cpuid_fault /proc/cpuinfo && append="$append pvtest.cpuid_fault"
# On host CPU 1: the guest's getcpu must still say vCPU 0 (vdso-getcpu).
timeout 280 taskset 2 pvrun --kernel /pv/vmlinux --initrd /pv/tests/linux-test.cpio \
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
[ "$(grep -c '^PASS ' /tmp/linux.txt)" = 27 ] || fail "pvtest did not run every case"
grep -q '^pv-linux-test: userspace ok$' /tmp/linux.txt || fail "userspace"
if grep -E 'WARNING|BUG|Oops|Call Trace' /tmp/linux.txt; then
	fail "the guest kernel complained"
fi
exit 0
