# virtio-net on a TAP device, in a network namespace this test makes: the
# guest gets its address from udhcpd on the host side, pings the host,
# and moves 16 MiB over TCP each way (busybox nc) with matching SHA-256
# sums.  The TAP device is made first (tunctl), so pvrun opens one that
# exists; a missing /dev/net/tun or a name that is not a TAP device gets
# one error line.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
if [ -z "${PV_NETNS:-}" ]; then
	PV_NETNS=1 exec unshare -n sh "$0"
fi
[ -c /dev/net/tun ] || fail "no /dev/net/tun in the host VM"
ip link set lo up
tunctl -t pvtap0 > /dev/null || fail "tunctl"
ip addr add 10.0.2.1/24 dev pvtap0
ip link set pvtap0 up

expect_error "tap=lo: cannot open TAP device lo" \
	pvrun --kernel /pv/vmlinux --net tap=lo

cat > /tmp/udhcpd.conf <<CONF
start 10.0.2.15
end 10.0.2.20
interface pvtap0
lease_file /tmp/udhcpd.leases
option subnet 255.255.255.0
option router 10.0.2.1
CONF
touch /tmp/udhcpd.leases
udhcpd -f /tmp/udhcpd.conf > /tmp/udhcpd.log 2>&1 &
dhcpd=$!

# The host's side of the transfers: it receives the guest's 16 MiB on
# port 5000 (until the guest closes) and sends 16 MiB on port 5001.
mkfifo /tmp/never
nc -l -p 5000 < /tmp/never > /tmp/up.recv &
up=$!
exec 3> /tmp/never
dd if=/dev/urandom of=/tmp/down.bin bs=1M count=${PV_IO_MIB:-16} 2>/dev/null
down_sum=$(sha256sum /tmp/down.bin | cut -d' ' -f1)
nc -l -p 5001 < /tmp/down.bin > /dev/null &
down=$!

timeout 280 pvrun --kernel /pv/vmlinux --initrd /pv/tests/linux-net.cpio \
	--memory 512M --net tap=pvtap0,mac=52:54:00:12:34:56 \
	--append "console=hvc0 pvtest.mib=${PV_IO_MIB:-16}" > /tmp/net.out 2>&1
rc=$?
tr -d '\r' < /tmp/net.out > /tmp/net.txt
kill $dhcpd $up $down 2>/dev/null
exec 3>&-
grep -E '^(address|ping|tcp|up-sum|down-sum|[0-9]+ packets)' /tmp/net.txt
[ $rc = 0 ] || { tail -n 30 /tmp/net.txt; fail "pvrun exit status $rc"; }
grep -q '^address: 10\.0\.2\.1[5-9]/24$' /tmp/net.txt ||
	grep -q '^address: 10\.0\.2\.20/24$' /tmp/net.txt || fail "no DHCP address"
grep -q '^ping: ok$' /tmp/net.txt || fail "the guest cannot ping the host"
up_sum=$(sha256sum /tmp/up.recv | cut -d' ' -f1)
grep -q "^up-sum: $up_sum$" /tmp/net.txt || fail "guest to host: the data differ"
grep -q "^down-sum: $down_sum$" /tmp/net.txt || fail "host to guest: the data differ"
if grep -E 'WARNING|BUG|Oops|Call Trace' /tmp/net.txt; then
	fail "the guest kernel complained"
fi
echo "${PV_IO_MIB:-16} MiB each way, checksums match"
