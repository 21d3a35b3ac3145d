# /dev/pvhost answers the API-version ioctl and refuses what it does not know.
. /pv/tests/lib.sh
/pv/tests/api_version
