# A guest spinning forever: the host keeps running its own work, and
# kill -9 ends pvrun and frees the VM.
. /pv/tests/lib.sh
# Both on CPU 0, so the host's work competes with the guest for it.
spin_start 1
pid=$spin_pid
# A host process gets the CPU while the guest spins.
start=$(date +%s)
taskset 1 sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i + 1)); done' ||
	fail "taskset"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "the host starved while the guest spun"
kill -0 $pid || fail "pvrun died on its own"
kill -9 $pid
wait $pid
echo "pvrun ended by SIGKILL (status $?)"
kill -0 $pid 2>/dev/null && fail "pvrun survived SIGKILL"
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
exit 0
