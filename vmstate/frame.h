/*
 * The blob on a UART: base64 lines between BEGIN and END markers, with the
 * blob's length and the CRC-32C of the base64 text in header lines, so it
 * survives a terminal and a console log and is checked before it is decoded.
 *
 *   -----BEGIN REGVISOR VMSTATE-----
 *   Length: 612
 *   CRC32C: 0x1c2d3e4f
 *   UlZTVAEAAAACAAAAZAIAAAEAAAAIAQAA...   (64 characters a line)
 *   -----END REGVISOR VMSTATE-----
 */
#ifndef VMSTATE_FRAME_H
#define VMSTATE_FRAME_H

#include "vmstate/blob.h"

#define FRAME_BEGIN		"-----BEGIN REGVISOR VMSTATE-----"
#define FRAME_END		"-----END REGVISOR VMSTATE-----"
#define FRAME_LINE_CHARS	64
#define FRAME_LINE_MAX		128	/* longest line the decoder accepts */

/* Write the framed blob, one line (without newline) per call of emit. */
void frame_encode(const uint8_t *blob, size_t len,
		  void (*emit)(const char *line, void *ctx), void *ctx);
/* The same framing between other markers (the guest DTB's, for one). */
void frame_encode_marked(const uint8_t *blob, size_t len, const char *begin, const char *end,
			 void (*emit)(const char *line, void *ctx), void *ctx);

enum frame_state { FRAME_SEARCHING, FRAME_HEADER, FRAME_BODY, FRAME_DONE, FRAME_ERROR };

struct frame_dec {
	enum frame_state state;
	enum vmstate_err err;
	size_t expect_len;	/* from the Length: line */
	uint32_t expect_crc;
	uint32_t text_crc;	/* CRC-32C of the body text so far */
	bool have_len, have_crc;
	size_t len;		/* bytes decoded so far */
	bool ended;		/* a '=' padded line was seen: only END may follow */
	unsigned int line_no;
	const char *begin, *end;	/* the markers it takes */
	uint8_t *out;			/* where the bytes go: buf, or the caller's */
	size_t cap;			/* ... at most this many (Length: above is refused) */
	uint8_t buf[VMSTATE_MAX_BLOB] __attribute__((aligned(8)));
};

/* A decoder for a state blob (FRAME_BEGIN ... FRAME_END) into d->buf. */
void frame_dec_init(struct frame_dec *d);
/* ... for another frame: other markers, into out (cap bytes at most; d->buf unused). */
void frame_dec_init_marked(struct frame_dec *d, const char *begin, const char *end,
			   uint8_t *out, size_t cap);
/*
 * Feed one line (no newline; a trailing '\r' is ignored). Lines before the
 * BEGIN marker are ignored. Returns the new state; FRAME_DONE means
 * d->buf holds d->len checked bytes, FRAME_ERROR that d->err says why.
 */
enum frame_state frame_feed(struct frame_dec *d, const char *line, size_t n);

#endif
