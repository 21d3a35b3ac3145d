# pvrun --api-sock (tools/pvrun/api.c): Firecracker's HTTP API on a Unix
# socket, driven by curl and by pvctl, against a booted Linux guest with
# a balloon.  State, pause and resume (a paused guest answers nothing),
# the balloon's size and statistics, and every malformed request a 400
# with a fault_message that changes nothing.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
sock=/tmp/api.sock
out=/tmp/api.out
mkfifo /tmp/api.in
timeout 400 pvrun --memory 512M --balloon 0 --api-sock $sock --kernel /pv/vmlinux \
	--initrd /pv/rootfs.cpio < /tmp/api.in > $out 2>&1 &
pid=$!
exec 3> /tmp/api.in

# api METHOD PATH [BODY]: the status line's code, then the body, on stdout
api()
{
	curl -s --unix-socket $sock -X "$1" ${3:+-H 'Content-Type: application/json' -d "$3"} \
		-o /tmp/api.body -w '%{http_code}\n' "http://localhost$2"
	cat /tmp/api.body
	echo
}
# expect_400 METHOD PATH BODY WORDS: a 400 whose fault_message has WORDS
expect_400()
{
	r=$(api "$1" "$2" "$3")
	echo "$1 $2 $3 -> $r"
	[ "$(echo "$r" | head -n 1)" = 400 ] || fail "$1 $2 '$3' did not get 400"
	echo "$r" | grep -q "\"fault_message\":\".*$4" || fail "$1 $2 '$3': no fault_message with '$4'"
}

wait_for 'built-in shell'
[ -S $sock ] || fail "no socket at $sock"
r=$(api GET /)
echo "GET / -> $r"
echo "$r" | grep -q '"state":"Running"' || fail "GET / does not say Running"
echo "$r" | grep -q '"app_name":"pvrun"' || fail "GET / does not name pvrun"

expect_400 PATCH /vm '{"state": "Paused"' 'not JSON'
expect_400 PATCH /vm '[1, 2]' 'must be a JSON object'
expect_400 PATCH /vm '{"state": "Paused", "x": 1}' "unknown field 'x'"
expect_400 PATCH /vm '{"state": "Sleeping"}' 'must be'
expect_400 PATCH /vm '' 'needs a JSON body'
expect_400 GET /nowhere '' 'Invalid request method and/or path'
expect_400 DELETE /vm '' 'Invalid request method and/or path'
expect_400 PATCH /balloon '{"amount_mib": -1}' 'from 0 to'
expect_400 PATCH /balloon '{"amount_mib": "64"}' 'whole number'
expect_400 PATCH /balloon '{"amount_mib": 512}' "less than the guest's 512 MiB"
expect_400 PUT /balloon '{"amount_mib": 1}' 'PATCH /balloon'
expect_400 GET /balloon/statistics '' 'statistics are off'
expect_400 PUT /snapshot/create '{"snapshot_type": "Full", "snapshot_path": "/tmp/s", "mem_file_path": "/tmp/m"}' 'not supported yet'
api GET / | grep -q '"state":"Running"' || fail "a malformed request changed the state"

# Pause: the guest answers nothing until it is resumed.
[ "$(api PATCH /vm '{"state": "Paused"}' | head -n 1)" = 204 ] || fail "PATCH /vm Paused"
api GET / | grep -q '"state":"Paused"' || fail "GET / does not say Paused"
echo 'echo "answer-$((6 * 7))"' >&3
sleep 3
tr -d '\r' < $out | grep -q '^answer-42' && fail "a paused guest answered"
pvctl $sock resume || fail "pvctl resume"
wait_for '^answer-42'
pvctl $sock status | grep -q '"state":"Running"' || fail "pvctl status after the resume"
pvctl $sock pause && pvctl $sock status | grep -q '"state":"Paused"' || fail "pvctl pause"
pvctl $sock resume || fail "pvctl resume, twice"

# The balloon: statistics every second, then 64 MiB taken and given back.
[ "$(api PATCH /balloon/statistics '{"stats_polling_interval_s": 1}' | head -n 1)" = 204 ] ||
	fail "PATCH /balloon/statistics"
sleep 3
r=$(api GET /balloon/statistics)
echo "GET /balloon/statistics -> $r"
echo "$r" | grep -q '"total_memory":[1-9]' || fail "no total_memory in the statistics"
echo "$r" | grep -q '"free_memory":[1-9]' || fail "no free_memory in the statistics"
pvctl $sock balloon 64 || fail "pvctl balloon 64"
for i in $(seq 30); do
	pvctl $sock stats | grep -q '"actual_mib":64' && break
	sleep 1
done
pvctl $sock stats
pvctl $sock stats | grep -q '"actual_mib":64' || fail "the guest did not inflate its balloon to 64 MiB"
api GET /balloon | grep -q '"amount_mib":64' || fail "GET /balloon does not say 64 MiB"
pvctl $sock balloon 0 || fail "pvctl balloon 0"
for i in $(seq 30); do
	pvctl $sock stats | grep -q '"actual_pages":0' && break
	sleep 1
done
pvctl $sock stats | grep -q '"actual_pages":0' || fail "the guest did not deflate its balloon"

# pvctl's own errors: one line, exit status 1.
expect_error '^pvctl: PUT /snapshot/create: snapshots are not supported yet$' \
	pvctl $sock snapshot /tmp/s /tmp/m
expect_error '^pvctl: balloon x: not a number from 0 to' pvctl $sock balloon x
expect_error '^pvctl: /tmp/no.sock: ' pvctl /tmp/no.sock status

echo 'poweroff' >&3
wait $pid
rc=$?
exec 3>&-
[ $rc = 0 ] || fail "exit status $rc"
[ -e $sock ] && fail "pvrun left its socket behind"
exit 0
