# The Linux guest (make guest) boots under pvhost.ko to its busybox
# userspace, runs a few commands and tests/linux/pvtest there (fork/exec,
# signals on an alternate stack, pipes, pthreads, TLS, mprotect and
# SIGSEGV, copy-on-write, /proc and /sys, clocks and nanosleep, the vDSO
# clock without a system call, 64 MiB,
# ptrace single-stepping, user mode's CPUID, AVX state per process, no
# protection keys, every page-table change with its flush, the system
# calls a distribution kernel has, FS/GS bases written by user mode,
# getcpu, a far return and IRETQ within user mode, 32-bit code and a
# 32-bit program, LDT and TLS segments per process, and processes with
# hostile register state) and powers off: pvrun exits 0.
. /pv/tests/lib.sh
linux_pvtest /pv/vmlinux
exit 0
