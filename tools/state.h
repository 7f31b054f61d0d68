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
extern unsigned int frame_choice;	/* --frame N (0: the last frame of a log) */
extern const char *frame_picked;	/* which frame the last load_blob took, or NULL */
int load_blob(const char *path, struct vmstate *s, uint8_t *raw, size_t *rawlen);
/* state_show.c: decode and diff, per vCPU */
int cmd_decode(const char *path);
int cmd_diff(const char *a, const char *b);
/* state_send.c: into a firmware's console, and the console itself */
int cmd_send(const char *src, const char *to, double timeout);
int cmd_console(const char *path);
/* ... and firmware images: the build's CRC stamp, `upgrade` into a console */
int cmd_stamp(const char *path);
int cmd_upgrade(const char *path, const char *to, double timeout);
/* state_encode.c: id=value lines into a blob file */
int cmd_encode(const char *in, const char *out);
/* state_versions.c: what versions know */
bool parse_version(const char *s, unsigned int *v);
int cmd_manifest(unsigned int version, bool full);
int cmd_check(unsigned int from, unsigned int to);

#endif
