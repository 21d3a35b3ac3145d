# The guest built from Debian's own cloud-amd64 config plus
# CONFIG_PV_GUEST (scripts/build-guest debian) boots and passes pvtest as
# the default guest does (linux-boot.t), with pv detected, PTI left off
# and transparent huge pages on (pte-thp-madvise-dontneed runs).  Not in
# make check (the kernel takes an hour and more to build); by hand:
#   scripts/hostvm --add build/guest-debian/vmlinux:/pv/vmlinux-debian \
#     --add tests/host:/pv/tests --add build/tests/progs:/pv/tests \
#     -- /pv/tests/run-in-vm 900 linux-debian
. /pv/tests/lib.sh
[ -f /pv/vmlinux-debian ] || { echo "no /pv/vmlinux-debian"; exit 77; }
linux_pvtest /pv/vmlinux-debian
grep -q 'Hypervisor detected: pv' /tmp/linux.txt || fail "pv not detected"
grep -q 'page tables isolation: disabled on pv' /tmp/linux.txt || fail "PTI not left off"
grep -q '^PASS pte-thp-madvise-dontneed' /tmp/linux.txt || fail "no THP case"
if grep -q 'no transparent huge pages' /tmp/linux.txt; then
	fail "the Debian kernel has no transparent huge pages?"
fi
exit 0
