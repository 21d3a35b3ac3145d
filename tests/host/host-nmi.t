# A host NMI that comes while a guest runs is the host's: the switcher
# hands it to the host's own NMI handler (pv_host_nmi_entry():
# asm_exc_nmi_kvm_vmx on 6.12, asm_exc_nmi_noist on 6.1, never the IDT's
# asm_exc_nmi, which wants the NMI stack and may drop it).  sysrq-l sends
# an NMI to every other CPU, whose handler prints a backtrace; with a
# guest spinning on CPU 1, the backtraces must come from there, through
# the switcher's replay, one for each NMI.
. /pv/tests/lib.sh
if [ ! -w /proc/sysrq-trigger ]; then
	echo "no magic SysRq in this host kernel: no NMI backtraces to ask for"
	exit 77
fi
spin_start 2
pid=$spin_pid
dmesg -c > /tmp/dmesg-before
n=10
i=0
while [ $i -lt $n ]; do
	echo l > /proc/sysrq-trigger
	i=$((i + 1))
done
kill -9 $pid
wait $pid
dmesg -c > /tmp/nmi.txt
got=$(grep -c 'NMI backtrace for cpu 1' /tmp/nmi.txt)
# The replay's own frames show where the NMI was taken.
replayed=$(grep -c 'RIP: .*pv_do_event_irqoff' /tmp/nmi.txt)
echo "$n NMIs to CPU 1: $got backtraces, $replayed of them through the switcher"
grep -E 'BUG:|WARNING:|Oops|general protection' /tmp/nmi.txt && fail "host problems"
[ "$got" = $n ] || fail "CPU 1 answered $got of $n NMIs"
[ "$replayed" -gt 0 ] || fail "no NMI came while the guest ran"
# The backtraces are what was asked for (hostvm would take them for a
# problem): read above, cleared with dmesg -c.
exit 0
