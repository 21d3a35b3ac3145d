# pvhost.ko unloads and loads again cleanly, twice; /dev/pvhost follows it.
. /pv/tests/lib.sh
for round in 1 2; do
	one-cpu rmmod pvhost || fail "rmmod, round $round"
	module_loaded && fail "still loaded after rmmod, round $round"
	[ -e /dev/pvhost ] && fail "/dev/pvhost left behind, round $round"
	one-cpu insmod /pv/pvhost.ko || fail "insmod, round $round"
	module_loaded || fail "not loaded after insmod, round $round"
	[ -c /dev/pvhost ] || fail "no /dev/pvhost after insmod, round $round"
	echo "round $round: ok"
done
