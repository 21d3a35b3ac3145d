# pvrun killed with SIGKILL at random points, 50 times, while its guest
# runs, sleeps, takes timer interrupts or is still being set up, or while
# all of its vCPUs run, flush each other's TLBs, send IPIs or go down
# (smp, tlb-multi): every VM is freed (the module is unused after each),
# and host-clean then checks the host's dmesg and, on the debug kernel,
# kmemleak.
. /pv/tests/lib.sh
guests="timer usermode hostile-hypercalls hostile-spin paging smp tlb-multi"
i=0
while [ $i -lt 50 ]; do
	set -- $guests
	shift $((i % 7))
	args=$(cat /pv/guests/$1.args 2>/dev/null)
	pvrun --memory 64M $args --kernel /pv/guests/$1.elf > /dev/null 2>&1 &
	pid=$!
	# 0 to 0.49 s: from setup to running.
	sleep "0.$(( (i * 37) % 50 ))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	i=$((i + 1))
done
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use after 50 kills"
echo "50 pvrun killed, module unused"
