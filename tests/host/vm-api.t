# The VM and vCPU ioctls: memory slots (pinning, bounds, overlap, locked
# memory accounting and its release), vCPUs, the run page, registers, and
# that everything goes when the fds close in any order.
. /pv/tests/lib.sh
/pv/tests/vm_api
