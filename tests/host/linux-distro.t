# The distribution-flavoured guest (scripts/build-guest distro: SLUB,
# CPU mitigations with page-table isolation, KVM_GUEST, PREEMPT_DYNAMIC,
# NUMA, DEBUG_ENTRY with objtool's noinstr checks) boots and passes
# pvtest as the default guest does (linux-boot.t), with PTI left off and
# no other hypervisor's code taking over.
. /pv/tests/lib.sh
linux_pvtest /pv/vmlinux-distro
grep -q 'Hypervisor detected: pv' /tmp/linux.txt || fail "pv not detected"
grep -q 'page tables isolation: disabled on pv' /tmp/linux.txt || fail "PTI not left off"
if grep -q 'kvm-clock' /tmp/linux.txt; then
	fail "kvmclock took over"
fi
exit 0
