# pvrun refuses bad input with one clear line and a non-zero exit.
. /pv/tests/lib.sh
expect_error '^pvrun: /no/such/vmlinux: No such file or directory$' \
	pvrun --kernel /no/such/vmlinux
expect_error '^pvrun: /etc/hostvm-text: not an ELF file$' \
	sh -c 'echo "not a kernel" > /etc/hostvm-text; pvrun --kernel /etc/hostvm-text'
expect_error ': empty file$' sh -c ': > /tmp/empty; pvrun --kernel /tmp/empty'
expect_error ': not a regular file$' pvrun --kernel /pv
expect_error 'not a pv kernel \(no "pv" ABI note\)$' pvrun --kernel /pv/tests/api_version
expect_error 'built for pv ABI 99, this pvrun speaks ABI 2$' \
	pvrun --kernel /pv/tests/pv_note_badabi.elf
expect_error '^pvrun: no kernel given' pvrun
expect_error '^pvrun: unknown option --bogus' pvrun --bogus
expect_error '^pvrun: --kernel needs an argument' pvrun --kernel
expect_error '^pvrun: --memory 5X: not a size' pvrun --kernel /pv/tests/pv_note.elf --memory 5X
expect_error '^pvrun: --memory 3M: not a multiple of 2 MiB$' \
	pvrun --kernel /pv/tests/pv_note.elf --memory 3M
expect_error '^pvrun: --memory 1T: more than this host' \
	pvrun --kernel /pv/tests/pv_note.elf --memory 1T
expect_error '^pvrun: /no/initrd: No such file or directory$' \
	pvrun --kernel /pv/tests/pv_note.elf --initrd /no/initrd
expect_error '^pvrun: --append: longer than 2047 bytes$' \
	sh -c 'pvrun --kernel /pv/tests/pv_note.elf --append "$(head -c 3000 /dev/zero | tr "\0" x)"'
expect_error 'guest memory too small for kernel, boot data and initrd' \
	pvrun --kernel /pv/tests/pv_note.elf --memory 18M --initrd /pv/pvhost.ko
for n in 0 65 two 1x ""; do
	expect_error "^pvrun: --smp $n: not a number of vCPUs from 1 to 64\$" \
		pvrun --smp "$n" --kernel /pv/guests/hello.elf
done
# Devices
k="--kernel /pv/tests/pv_note.elf"
for b in x 1x -1 ""; do
	expect_error "^pvrun: --balloon $b: not a size \\(try 0 or 64M\\)\$" pvrun $k --balloon "$b"
done
touch /tmp/taken.sock
expect_error "^pvrun: --api-sock /tmp/taken.sock: exists already\$" pvrun $k --api-sock /tmp/taken.sock
[ -f /tmp/taken.sock ] || fail "pvrun removed a file it did not make"
expect_error "^pvrun: --api-sock /no/such/dir/s: No such file or directory\$" pvrun $k --api-sock /no/such/dir/s
for b in 256M 1G 4097K; do
	expect_error "^pvrun: --balloon $b: less than the guest's memory, in 4 KiB pages, is wanted\$" \
		pvrun $k --memory 256M --balloon "$b"
done
expect_error '^pvrun: --disk /no/disk.img: No such file or directory$' pvrun $k --disk /no/disk.img
expect_error '^pvrun: --disk /pv: Is a directory$' pvrun $k --disk /pv
expect_error '^pvrun: --disk /pv: not a disk image' pvrun $k --disk /pv,ro
expect_error '^pvrun: --disk /tmp/tiny.img: smaller than one 512-byte sector$' \
	sh -c "head -c 100 /dev/zero > /tmp/tiny.img; pvrun $k --disk /tmp/tiny.img"
expect_error "^pvrun: --disk x.img,bogus: unknown option 'bogus'" pvrun $k --disk x.img,bogus
expect_error "^pvrun: --net tap0: unknown option 'tap0'" pvrun $k --net tap0
expect_error "^pvrun: --net tap=t0,mac=01:02:03:04:05:06: '01:02:03:04:05:06' is not a unicast MAC" \
	pvrun $k --net tap=t0,mac=01:02:03:04:05:06
expect_error '^pvrun: --net tap=pvnone: /dev/net/tun: No such file or directory \(is the tun module loaded\?\)$' \
	unshare -m sh -c "mount -t tmpfs none /dev && pvrun $k --net tap=pvnone"
expect_error '^pvrun: --console serial: must be pv or virtio$' pvrun $k --console serial
