# Reports the host configuration this run covers, and checks that the
# configuration asked for is the one we got (a test bed that silently
# lost KPTI or LA57 would prove nothing).
. /pv/tests/lib.sh
has() { grep -qw "$1" /proc/cpuinfo; }
kpti=off
dmesg_boot=/tmp/dmesg-boot
grep -q 'Kernel/User page tables isolation: enabled' $dmesg_boot && kpti=on
echo "kernel $(uname -r), KPTI $kpti, CPUs $(nproc)"
for f in la57 pcid fsgsbase smap smep; do has $f && echo "cpu has $f" || echo "cpu lacks $f"; done
if grep -q 'pti=on' /proc/cmdline; then
	[ $kpti = on ] || fail "pti=on asked for, KPTI is off"
fi
[ "$(nproc)" -ge 2 ] || fail "the host VM has one CPU: SMP paths go untested"
exit 0
