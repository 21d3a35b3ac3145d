# The VM and vCPU ioctls: memory slots (bounds, overlap, what may back
# one, nothing pinned or locked), vCPUs, the run page, registers, and
# that everything goes when the fds close in any order.
. /pv/tests/lib.sh
/pv/tests/vm_api
