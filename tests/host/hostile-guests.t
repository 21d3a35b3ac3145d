# Guests that misbehave on purpose: the host stops them with one clear
# line, or gives them a fault, and stays healthy (host-clean checks
# dmesg, KASAN and kmemleak).  Test guests use at most 56 MiB of their
# memory: 64M keeps the debug host's pinning and freeing short.
. /pv/tests/lib.sh
expect_error '^pvrun: guest stopped: guest page tables point outside guest memory' \
	sh -c 'pvrun --memory 64M --kernel /pv/guests/hostile-bad-pte.elf > /dev/null'
expect_error '^pvrun: guest stopped: ' \
	sh -c 'pvrun --memory 64M --kernel /pv/guests/hostile-garbage-cr3.elf > /dev/null'
# MMIO by an instruction the decoder refuses: a #GP for the guest.
pvrun --memory 64M --kernel /pv/guests/hostile-mmio-insn.elf > /tmp/mmio.out 2>&1 ||
	{ cat /tmp/mmio.out; fail "hostile-mmio-insn: pvrun exit status $?"; }
grep 'MMIO by ADD' /tmp/mmio.out
grep -q '^Test result: SUCCESS' /tmp/mmio.out || fail "hostile-mmio-insn: no #GP"
# RIP stepping to 0x800000000000 (hypercall, emulation, user SYSCALL):
# a #GP for the guest, never a host CPU stuck in the switcher.
pvrun --memory 64M --kernel /pv/guests/hostile-noncanonical-rip.elf > /tmp/rip.out 2>&1 ||
	{ cat /tmp/rip.out; fail "hostile-noncanonical-rip: pvrun exit status $?"; }
grep -E '0x7ffffffffffe|survived' /tmp/rip.out
grep -q '^Test result: SUCCESS' /tmp/rip.out || fail "hostile-noncanonical-rip: no #GP"
# A user syscall, and a user page fault at a marker (both fast paths),
# whose rsp0 points at the switcher (4- and 5-level addresses), past the
# lower half, at a read-only page or at nothing: the frame is never
# written there, fast path or not; the vCPU stops.
for f in 0 1; do
	for c in 1 2 3 4 5; do
		expect_error "^pvrun: guest stopped: the guest's stack cannot take the event frame" \
			sh -c "pvrun --memory 64M --kernel /pv/guests/hostile-rsp0.elf --append 'case=$c fault=$f' > /dev/null"
	done
done
# A shared-mode timer whose shared page went: gone with it, so the vCPU
# that halts then sleeps (pvrun's devices could wake it) and dies of a
# SIGKILL; before the fix it went round in the host for good, unkillable.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
pvrun --memory 64M --kernel /pv/guests/hostile-timer-halt.elf > /tmp/th.out 2>&1 &
pid=$!
i=0
until grep -q '^halting' /tmp/th.out; do
	i=$((i + 1))
	[ $i -le 60 ] || { cat /tmp/th.out; fail "hostile-timer-halt: never halted"; }
	sleep 1
done
sleep 1
t0=$(cpu_ticks $pid)
sleep 2
t1=$(cpu_ticks $pid)
kill -9 $pid
i=0
while [ -e "/proc/$pid/stat" ] && [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]; do
	i=$((i + 1))
	[ $i -le 10 ] || fail "hostile-timer-halt: pvrun survived SIGKILL"
	sleep 1
done
wait $pid
cat /tmp/th.out
grep -q 'HALT returned' /tmp/th.out && fail "hostile-timer-halt: HALT returned"
echo "hostile-timer-halt: $((t1 - t0)) clock ticks in 2 s of HALT"
[ $((t1 - t0)) -lt 50 ] || fail "hostile-timer-halt: a halted vCPU used $((t1 - t0)) ticks in 2 s"
# 100000 random hypercalls: the guest survives them and says so.
timeout 600 pvrun --memory 64M --kernel /pv/guests/hostile-hypercalls.elf > /tmp/hc.out 2>&1
rc=$?
tail -n 3 /tmp/hc.out
[ $rc = 0 ] || fail "pvrun exit status $rc"
grep -q '^Test result: SUCCESS' /tmp/hc.out || fail "no SUCCESS verdict"
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
# run_guest NAME [PVRUN-OPTION...]: the guest must say SUCCESS, pvrun exit 0.
run_guest()
{
	name=$1
	shift
	timeout 120 pvrun --memory 64M "$@" --kernel "/pv/guests/$name.elf" > "/tmp/$name.out" 2>&1
	rc=$?
	cat "/tmp/$name.out"
	[ $rc = 0 ] || fail "$name: pvrun exit status $rc"
	grep -q '^Test result: SUCCESS' "/tmp/$name.out" || fail "$name: no SUCCESS verdict"
}
# Flushes aimed at the switcher, the guard hole and non-canonical
# addresses change nothing of the host's: the guest runs on.
run_guest hostile-flush-switcher
# NX at any level, and SMEP for the guest kernel: fetches are #PFs.
run_guest hostile-nx
# virtio-balloon: pages outside guest memory and misaligned free-page
# reports make the device ask for a reset; the guest's own pages given
# back read as zeros at once (pvrun dropped them under the running guest).
run_guest hostile-balloon --balloon 0
# TLS and LDT descriptors that lead out of ring 3 are refused; ERETU
# frames with bad selectors are refused or #GP the guest, never stop it.
run_guest hostile-segments
# Shadow memory: a 64 MiB VM that asks for 8192 shadow tables gets its
# shadow started over (its bound is 1024 pages), and so under a module-wide
# bound of 100 pages; with one page for all VMs no vCPU can be created
# (each takes its reserve of 32 from the module-wide pool when created).
run_guest hostile-shadow-cap --memory 64M
param=/sys/module/pvhost/parameters/shadow_pages_max
trap 'echo 0 > $param' EXIT
echo 100 > $param
run_guest hostile-shadow-cap --memory 64M
echo 1 > $param
expect_error "^pvrun: cannot create vCPU 0: Cannot allocate memory" \
	pvrun --memory 64M --kernel /pv/guests/hello.elf
echo 0 > $param
