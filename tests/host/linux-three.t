# Three Linux guests at once, each booting to userspace and powering off.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
# Each runs pvtest.
append=console=hvc0
for i in 1 2 3; do
	timeout 280 pvrun --kernel /pv/vmlinux --initrd /pv/tests/linux-test.cpio \
		--memory 128M --append "$append" > /tmp/three.$i 2>&1 &
	eval pid$i=$!
done
for i in 1 2 3; do
	eval wait \$pid$i
	rc=$?
	[ $rc = 0 ] || { tail -n 20 /tmp/three.$i; fail "guest $i: pvrun exit status $rc"; }
	tr -d '\r' < /tmp/three.$i | grep -q '^pv-linux-test: userspace ok$' ||
		fail "guest $i did not reach userspace"
done
echo "three guests booted and powered off"
exit 0
