/* The pieces of tools/regvisor-state, a command per function. */
#ifndef TOOLS_STATE_H
#define TOOLS_STATE_H

#include <stdint.h>

#include "vmstate/blob.h"

#define EXIT_INVALID	1
#define EXIT_USAGE	2
#define EXIT_DIFFERENT	3

extern const char *prog;

/* regvisor-state.c */
uint8_t *read_file(const char *path, size_t *len);
/* state_encode.c: id=value lines into a blob file */
int cmd_encode(const char *in, const char *out);
/* state_versions.c: what versions know */
bool parse_version(const char *s, unsigned int *v);
int cmd_manifest(unsigned int version);
int cmd_check(unsigned int from, unsigned int to);

#endif
