# Three Linux guests of 2 vCPUs at once, each booting to userspace and
# powering off: 6 vCPUs on the host VM's 2 CPUs.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
# pvtest itself is linux-boot.t's: here the guests boot at once, run the
# init script's commands and power off.
append="console=hvc0 pvtest.skip"
for i in 1 2 3; do
	timeout 280 pvrun --smp 2 --kernel /pv/vmlinux --initrd /pv/tests/linux-test.cpio \
		--memory 64M --append "$append" > /tmp/three.$i 2>&1 &
	eval pid$i=$!
done
for i in 1 2 3; do
	eval wait \$pid$i
	rc=$?
	[ $rc = 0 ] || { tail -n 20 /tmp/three.$i; fail "guest $i: pvrun exit status $rc"; }
	tr -d '\r' < /tmp/three.$i | grep -q '^pv-linux-test: userspace ok$' ||
		fail "guest $i did not reach userspace"
	tr -d '\r' < /tmp/three.$i | grep -q '^cpus: 2$' ||
		fail "guest $i does not see 2 CPUs"
done
echo "three 2-vCPU guests booted and powered off"
exit 0
