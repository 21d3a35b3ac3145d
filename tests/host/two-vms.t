# Two VMs at once, each filling and checking its own memory: neither sees
# the other's (tests/guests/isolation.c).
. /pv/tests/lib.sh
pvrun --memory 128M --kernel /pv/guests/isolation.elf --append seed=11 > /tmp/a.out 2>&1 &
a=$!
pvrun --memory 128M --kernel /pv/guests/isolation.elf --append seed=22 > /tmp/b.out 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
cat /tmp/a.out /tmp/b.out
[ $ra = 0 ] && [ $rb = 0 ] || fail "exit statuses $ra and $rb"
grep -q 'seed 11: all 32 MiB still mine' /tmp/a.out || fail "VM a"
grep -q 'seed 22: all 32 MiB still mine' /tmp/b.out || fail "VM b"
