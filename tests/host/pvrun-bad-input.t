# pvrun refuses bad input with one clear line and a non-zero exit.
. /pv/tests/lib.sh
expect_error '^pvrun: /no/such/vmlinux: No such file or directory$' \
	pvrun --kernel /no/such/vmlinux
expect_error '^pvrun: /etc/hostvm-text: not an ELF file$' \
	sh -c 'echo "not a kernel" > /etc/hostvm-text; pvrun --kernel /etc/hostvm-text'
expect_error ': empty file$' sh -c ': > /tmp/empty; pvrun --kernel /tmp/empty'
expect_error ': not a regular file$' pvrun --kernel /pv
expect_error 'not a pv kernel \(no "pv" ABI note\)$' pvrun --kernel /pv/tests/api_version
expect_error 'built for pv ABI 99, this pvrun speaks ABI 1$' \
	pvrun --kernel /pv/tests/pv_note_badabi.elf
expect_error '^pvrun: no kernel given' pvrun
expect_error '^pvrun: unknown option --bogus' pvrun --bogus
expect_error '^pvrun: --kernel needs an argument' pvrun --kernel
