/* The EL1 test guest the firmware starts, built from tests/guest/. */
	.section .guest_image, "a"
	.balign	16
	.incbin	GUEST_BIN
