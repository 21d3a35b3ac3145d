# Three Linux guests at once, each booting to userspace and powering off.
. /pv/tests/lib.sh
[ -f /pv/vmlinux ] || fail "no guest kernel in the host VM"
# Under KASAN and TCG one boot takes minutes; three would take the run's
# whole budget.  The stock host kernels run it.
case "$(uname -r)" in
*deb12*) ;;
*) echo "three Linux guests: too slow on the debug host kernel"; exit 77 ;;
esac
for i in 1 2 3; do
	timeout 280 pvrun --kernel /pv/vmlinux --initrd /pv/tests/linux-test.cpio \
		--memory 128M --append console=hvc0 > /tmp/three.$i 2>&1 &
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
