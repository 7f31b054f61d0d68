/*
 * libFuzzer target: the UART frame decoder, fed the input line by line as
 * the firmware's console would, then the blob it yields.
 */
#include <stdlib.h>
#include <string.h>

#include "vmstate/blob.h"
#include "vmstate/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct frame_dec d;
	static struct vmstate s;
	size_t start = 0;

	frame_dec_init(&d);
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (frame_feed(&d, (const char *)data + start, i - start) == FRAME_DONE) {
			if (d.len > VMSTATE_MAX_BLOB)
				abort();
			vmstate_decode(d.buf, d.len, &s, NULL);
			break;
		}
		if (d.state == FRAME_ERROR)
			break;
		start = i + 1;
	}
	return 0;
}
