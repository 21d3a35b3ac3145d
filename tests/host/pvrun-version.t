# pvrun --version names its own versions and the module's API version.
. /pv/tests/lib.sh
out=$(pvrun --version) || fail "pvrun --version exited $?"
echo "$out"
echo "$out" | grep -qE '^pvrun [0-9.]+ \(pv ABI 2, pvhost API 1\)$' || fail "no pvrun version line"
echo "$out" | grep -qx 'pvhost.ko: API version 1' || fail "no module API line"
