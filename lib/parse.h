/* Parsing numbers from text (lib/parse.c). */
#ifndef LIB_PARSE_H
#define LIB_PARSE_H

#include "lib/rv.h"

/* A decimal or 0x-hex number of exactly len characters; false if not one or too big. */
bool parse_u64(const char *s, size_t len, uint64_t *out);

#endif
