# A launcher's own guest code: an MMIO completion that steps RIP past the
# lower half stops the vCPU cleanly (the host lives on), and DS and ES
# stay apart between guest and launcher (tests/host/progs/vm_run.c).
. /pv/tests/lib.sh
/pv/tests/vm_run ds-es || fail "ds-es"
/pv/tests/vm_run mmio-top || fail "mmio-top"
grep -q '^pvhost .* 0 ' /proc/modules || fail "pvhost.ko still in use"
