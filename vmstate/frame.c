/* UART framing of the blob: base64 between markers, length and CRC checked. */
#include <string.h>

#include "lib/parse.h"
#include "vmstate/crc32c.h"
#include "vmstate/frame.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_hex32(char *p, uint32_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 4)
		p[i] = "0123456789abcdef"[v & 0xf];
}

static size_t put_dec(char *p, size_t v)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		p[i++] = tmp[--n];
	return i;
}

/* Base64 of blob[i..i+3) (fewer at the end, '='-padded) into out[0..4). */
static void b64_quad(const uint8_t *blob, size_t len, size_t i, char *out)
{
	uint32_t v = (uint32_t)blob[i] << 16;
	size_t left = len - i;

	if (left > 1)
		v |= (uint32_t)blob[i + 1] << 8;
	if (left > 2)
		v |= blob[i + 2];
	out[0] = b64[(v >> 18) & 63];
	out[1] = b64[(v >> 12) & 63];
	out[2] = left > 1 ? b64[(v >> 6) & 63] : '=';
	out[3] = left > 2 ? b64[v & 63] : '=';
}

/*
 * The CRC in the frame covers the base64 text itself (every body character,
 * no line ends): what actually crossed the wire, checked before decoding.
 */
void frame_encode_marked(const uint8_t *blob, size_t len, const char *begin, const char *end,
			 void (*emit)(const char *line, void *ctx), void *ctx)
{
	char line[FRAME_LINE_CHARS + 1];
	uint32_t crc = 0;
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		b64_quad(blob, len, i, line);
		crc = crc32c_update(crc, (const uint8_t *)line, 4);
	}
	emit(begin, ctx);
	memcpy(line, "Length: ", 8);
	line[8 + put_dec(line + 8, len)] = '\0';
	emit(line, ctx);
	memcpy(line, "CRC32C: 0x", 10);
	put_hex32(line + 10, crc);
	line[18] = '\0';
	emit(line, ctx);
	for (size_t i = 0; i < len; i += 3) {
		b64_quad(blob, len, i, line + o);
		o += 4;
		if (o == FRAME_LINE_CHARS || i + 3 >= len) {
			line[o] = '\0';
			emit(line, ctx);
			o = 0;
		}
	}
	emit(end, ctx);
}

void frame_encode(const uint8_t *blob, size_t len,
		  void (*emit)(const char *line, void *ctx), void *ctx)
{
	frame_encode_marked(blob, len, FRAME_BEGIN, FRAME_END, emit, ctx);
}

void frame_dec_init_marked(struct frame_dec *d, const char *begin, const char *end,
			   uint8_t *out, size_t cap)
{
	memset(d, 0, sizeof(*d) - sizeof(d->buf));
	d->state = FRAME_SEARCHING;
	d->begin = begin;
	d->end = end;
	d->out = out;
	d->cap = cap;
}

void frame_dec_init(struct frame_dec *d)
{
	frame_dec_init_marked(d, FRAME_BEGIN, FRAME_END, d->buf, sizeof(d->buf));
}

static enum frame_state frame_fail(struct frame_dec *d, enum vmstate_err e)
{
	d->err = e;
	d->state = FRAME_ERROR;
	return d->state;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static bool line_is(const char *line, size_t n, const char *s)
{
	return n == strlen(s) && !memcmp(line, s, n);
}

/* Decimal digits only, no sign, no leading zero: the one way FORMAT.md writes it. */
static bool parse_length(const char *p, size_t n, uint64_t *v, size_t cap)
{
	*v = 0;
	if (!n || (p[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (*v <= cap)	/* more is too large, however much */
			*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return true;
}

/* "0x" and exactly eight hex digits. */
static bool parse_crc(const char *p, size_t n, uint64_t *v)
{
	if (n != 10 || p[0] != '0' || p[1] != 'x')
		return false;
	for (size_t i = 2; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
		      (p[i] >= 'A' && p[i] <= 'F')))
			return false;
	return parse_u64(p, n, v);
}

static enum frame_state frame_header(struct frame_dec *d, const char *line, size_t n)
{
	uint64_t v;

	if (n > 8 && !memcmp(line, "Length: ", 8) && !d->have_len) {
		if (!parse_length(line + 8, n - 8, &v, d->cap))
			return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
		if (v > d->cap)
			return frame_fail(d, VMSTATE_E_TOO_LARGE);
		d->expect_len = (size_t)v;
		d->have_len = true;
	} else if (n > 8 && !memcmp(line, "CRC32C: ", 8) && !d->have_crc) {
		if (!parse_crc(line + 8, n - 8, &v))
			return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
		d->expect_crc = (uint32_t)v;
		d->have_crc = true;
	} else {
		return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
	}
	if (d->have_len && d->have_crc)
		d->state = FRAME_BODY;
	return d->state;
}

/* One base64 quad at the end of the data: '=' padding, unused bits zero. */
static bool b64_last_quad(const char *q, int v[4], size_t *bytes)
{
	if (q[3] != '=')
		return true;
	if (q[2] == '=') {
		*bytes = 1;
		v[2] = v[3] = 0;
		return v[1] >= 0 && !(v[1] & 15);
	}
	*bytes = 2;
	v[3] = 0;
	return v[2] >= 0 && !(v[2] & 3);
}

static enum frame_state frame_body(struct frame_dec *d, const char *line, size_t n)
{
	if (line_is(line, n, d->end)) {
		if (d->len != d->expect_len)
			return frame_fail(d, VMSTATE_E_FRAME_LENGTH);
		if (d->text_crc != d->expect_crc && !VMSTATE_FUZZING)
			return frame_fail(d, VMSTATE_E_FRAME_CRC);
		d->state = FRAME_DONE;
		return d->state;
	}
	/* 64 characters a line; only the last may be shorter, and nothing follows it. */
	if (d->ended || n == 0 || n % 4 || n > FRAME_LINE_CHARS)
		return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
	if (n < FRAME_LINE_CHARS)
		d->ended = true;
	d->text_crc = crc32c_update(d->text_crc, (const uint8_t *)line, n);
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		size_t bytes = 3;

		for (int k = 0; k < 4; k++)
			v[k] = b64_value(line[i + (size_t)k]);
		if (i + 4 == n) {
			if (!b64_last_quad(line + i, v, &bytes))
				return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
			if (bytes < 3)
				d->ended = true;
		}
		if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
			return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
		if (d->len + bytes > d->expect_len)
			return frame_fail(d, VMSTATE_E_FRAME_LENGTH);
		d->out[d->len++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (bytes > 1)
			d->out[d->len++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
		if (bytes > 2)
			d->out[d->len++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
	}
	return d->state;
}

/* Printable ASCII only: NUL, TAB, DEL, other controls and bytes >= 0x7f are refused. */
static bool printable(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			return false;
	return true;
}

enum frame_state frame_feed(struct frame_dec *d, const char *line, size_t n)
{
	/* Line ends LF, CRLF, LFCR or CRCRLF: the CRs around a line are not part of it. */
	while (n && line[0] == '\r') {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	d->line_no++;
	switch (d->state) {
	case FRAME_SEARCHING:
		if (line_is(line, n, d->begin))
			d->state = FRAME_HEADER;
		return d->state;
	case FRAME_HEADER:
		if (!printable(line, n))
			return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
		return frame_header(d, line, n);
	case FRAME_BODY:
		if (!printable(line, n))
			return frame_fail(d, VMSTATE_E_FRAME_SYNTAX);
		return frame_body(d, line, n);
	default:
		return d->state;
	}
}
