# The Linux guest with 64 vCPUs, the most a VM has, on the host VM's 2
# CPUs: every vCPU comes up (the guest sees 64 CPUs), the guest boots to
# userspace and powers off.  pvtest itself is linux-boot.t's.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
timeout 400 pvrun --smp 64 --memory 512M --kernel /pv/vmlinux \
	--initrd /pv/tests/linux-test.cpio --append "console=hvc0 pvtest.skip" \
	> /tmp/smp64.out 2>&1
rc=$?
tr -d '\r' < /tmp/smp64.out > /tmp/smp64.txt
grep -E 'smp: Brought up|cpus:|CPU topo: Allowing' /tmp/smp64.txt
[ $rc = 0 ] || { tail -n 30 /tmp/smp64.txt; fail "pvrun exit status $rc"; }
grep -q '^cpus: 64$' /tmp/smp64.txt || fail "the guest does not see 64 CPUs"
grep -q '^pv-linux-test: userspace ok$' /tmp/smp64.txt || fail "userspace"
if grep -E 'WARNING|BUG|Oops|Call Trace' /tmp/smp64.txt; then
	fail "the guest kernel complained"
fi
exit 0
