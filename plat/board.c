/*
 * The board as data: QEMU virt's defaults, overridden by what the DTB says.
 * libfdt runs only here, at boot, before the guest has FP/SIMD state.
 */
#include <libfdt.h>
#include <string.h>

#include "plat/board.h"

void board_defaults(struct board *b)
{
	memset(b, 0, sizeof(*b));
	b->uart_base = VIRT_UART_BASE;
	b->ram_base = VIRT_RAM_BASE;
	b->ram_size = VIRT_RAM_SIZE;
	b->psci = PSCI_CONDUIT_SMC;
	b->gicd_base = VIRT_GICD_BASE;
	b->gicr_base = VIRT_GICR_BASE;
	b->gicr_size = VIRT_GICR_SIZE;
	b->uart_intid = VIRT_UART_INTID;
}

static uint64_t fdt_read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * "#address-cells" or "#size-cells" of a node, with the devicetree spec's
 * defaults (2 and 1). Read here rather than with fdt_address_cells(), which
 * would pull libfdt's writing half into the image.
 */
static int fdt_cells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return dflt;
	if (len != (int)sizeof(*p))
		return -1;
	return (int)fdt32_to_cpu(*p);
}

/* First (address, size) pair of node's "reg", in its parent's cell sizes. */
static bool fdt_first_reg_in(const void *fdt, int parent, int node, uint64_t *addr, uint64_t *size)
{
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		return false;
	ac = fdt_cells(fdt, parent, "#address-cells", 2);
	sc = fdt_cells(fdt, parent, "#size-cells", 1);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 ||
	    len < (int)sizeof(fdt32_t) * (ac + sc))
		return false;
	*addr = fdt_read_cells(reg, ac);
	*size = fdt_read_cells(reg + ac, sc);
	return true;
}

bool board_fdt_first_reg(const void *fdt, int node, uint64_t *addr, uint64_t *size)
{
	return fdt_first_reg_in(fdt, fdt_parent_offset(fdt, node), node, addr, size);
}

/*
 * What board_from_fdt() reads, found in one walk of the tree: each lookup
 * of libfdt's (a path, a compatible string, a node's parent) walks it from
 * the start again, about 150,000 instructions over QEMU's tree with its 32
 * virtio nodes. Offsets below 0: not there.
 */
#define WALK_DEPTH_MAX		16	/* deeper nodes' parents are looked up */
#define WALK_ROOT_MAX		128	/* more root children: paths are looked up */

struct fdt_walk {
	int chosen, aliases, cpus, cpus_ac;	/* the first /chosen, /aliases, /cpus */
	int psci02, psci;	/* the first "arm,psci-0.2", the first "arm,psci" */
	int gic, gic_parent;	/* the first "arm,gic-v3", and its parent */
	struct walk_root {
		int node, len;
		const char *name;
	} root[WALK_ROOT_MAX];	/* the root's children, in order, with their names */
	unsigned int nroot;
	bool root_truncated;
};

/* Whether a node's name (nlen bytes) is s (len bytes), or s is it without its unit address. */
static bool name_is(const char *name, int nlen, const char *s, int len)
{
	return nlen >= len && memcmp(name, s, (size_t)len) == 0 &&
	       (nlen == len || (name[len] == '@' && !memchr(s, '@', (size_t)len)));
}

/* The first of the root's children named s, as fdt_path_offset("/s") finds it. */
static int root_child(const struct fdt_walk *w, const char *s, int len)
{
	for (unsigned int i = 0; i < w->nroot; i++)
		if (name_is(w->root[i].name, w->root[i].len, s, len))
			return w->root[i].node;
	return -FDT_ERR_NOTFOUND;
}

/*
 * The node a full path (len bytes) names, as fdt_path_offset_namelen()
 * finds it, and its parent: from the walk when it is a root child, else by
 * libfdt.
 */
static int full_path(const void *fdt, const struct fdt_walk *w, const char *path, int len,
		     int *parent)
{
	int node;

	if (len > 1 && !memchr(path + 1, '/', (size_t)len - 1) && !w->root_truncated) {
		*parent = 0;
		return root_child(w, path + 1, len - 1);
	}
	node = fdt_path_offset_namelen(fdt, path, len);
	*parent = node < 0 ? node : fdt_parent_offset(fdt, node);
	return node;
}

/*
 * The node a path or an alias (len bytes) names, and its parent. An
 * alias, perhaps with more path after it ("serial0", "bus0/uart@1"), is
 * looked up in /aliases; its value must be a full path (the devicetree
 * spec's rule), read as a C string: libfdt would take another alias
 * there and follow it, without end if two name each other.
 */
static int walk_path(const void *fdt, const struct fdt_walk *w, const char *path, int len,
		     int *parent)
{
	const char *end = path + len, *rest, *full;
	int node, flen;

	if (len < 1)
		return -FDT_ERR_BADPATH;
	if (path[0] == '/')
		return full_path(fdt, w, path, len, parent);
	rest = memchr(path, '/', (size_t)len);
	if (!rest)
		rest = end;
	full = fdt_getprop_namelen(fdt, w->aliases, path, (int)(rest - path), &flen);
	if (!full || flen < 1 || !memchr(full, '\0', (size_t)flen) || full[0] != '/')
		return -FDT_ERR_BADPATH;
	node = full_path(fdt, w, full, (int)strlen(full), parent);
	/* Then the rest, a node at a time. */
	while (node >= 0 && rest < end) {
		const char *name = rest + 1, *next = memchr(name, '/', (size_t)(end - name));

		if (!next)
			next = end;
		if (next > name) {	/* an empty name ("//", a last '/') names no node */
			*parent = node;
			node = fdt_subnode_offset_namelen(fdt, node, name, (int)(next - name));
		}
		rest = next;
	}
	return node;
}

/*
 * A node's "compatible" and, where asked, "device_type" (NULL: none), in
 * one pass over its properties: each lookup by name is a pass of its own.
 */
static const char *node_props(const void *fdt, int node, int *clen, const char **type)
{
	const char *compat = NULL, *name;
	int prop, len;

	fdt_for_each_property_offset(prop, fdt, node) {
		const char *v = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!v || !name)
			continue;
		if (!compat && strcmp(name, "compatible") == 0) {
			compat = v;
			*clen = len;
		} else if (type && !*type && strcmp(name, "device_type") == 0) {
			*type = v;
		}
	}
	return compat;
}

/* A node of the walk at depth (its parent's offset given): what board_from_fdt() reads of it. */
static void walk_node(struct board *b, const void *fdt, struct fdt_walk *w, int node, int depth,
		      int parent)
{
	int clen = 0, len;
	const char *type = NULL;
	const char *compat = node_props(fdt, node, &clen,
					depth == 1 || (depth == 2 && parent == w->cpus) ? &type : NULL);
	uint64_t base, size;

	if (compat && w->psci02 < 0 && fdt_stringlist_contains(compat, clen, "arm,psci-0.2"))
		w->psci02 = node;
	if (compat && w->psci < 0 && fdt_stringlist_contains(compat, clen, "arm,psci"))
		w->psci = node;
	if (compat && w->gic < 0 && fdt_stringlist_contains(compat, clen, "arm,gic-v3")) {
		w->gic = node;
		w->gic_parent = parent;
	}
	if (depth == 1) {
		const char *name = fdt_get_name(fdt, node, &len);

		if (!name || w->nroot == WALK_ROOT_MAX) {
			w->root_truncated = true;	/* paths are then libfdt's to find */
			if (!name)
				return;
		} else {
			w->root[w->nroot++] = (struct walk_root){ .node = node, .len = len, .name = name };
		}
		if (w->chosen < 0 && name_is(name, len, "chosen", 6))
			w->chosen = node;
		if (w->aliases < 0 && name_is(name, len, "aliases", 7))
			w->aliases = node;
		if (w->cpus < 0 && name_is(name, len, "cpus", 4)) {
			w->cpus = node;
			w->cpus_ac = fdt_cells(fdt, node, "#address-cells", 1);
		}
		/* The first memory node with a size: guest RAM. */
		if (!b->ram_from_dtb && type && strcmp(type, "memory") == 0 &&
		    fdt_first_reg_in(fdt, 0, node, &base, &size) && size) {
			b->ram_base = base;
			b->ram_size = size;
			b->ram_from_dtb = true;
		}
	} else if (depth == 2 && parent == w->cpus && w->cpus_ac >= 1 && w->cpus_ac <= 2) {
		/* /cpus/cpu@N: each reg is an MPIDR affinity (one or two cells). */
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!type || strcmp(type, "cpu") != 0 || !reg || len < w->cpus_ac * (int)sizeof(*reg))
			return;
		if (b->ncpus < BOARD_CPUS_MAX)
			b->cpu_mpidr[b->ncpus++] = fdt_read_cells(reg, w->cpus_ac);
		else
			b->cpus_truncated = true;
	}
}

/* The whole tree once, every node through walk_node(). */
static void walk_tree(struct board *b, const void *fdt, struct fdt_walk *w)
{
	int stack[WALK_DEPTH_MAX], depth = 0;

	*w = (struct fdt_walk){ .chosen = -1, .aliases = -1, .cpus = -1, .psci02 = -1,
				.psci = -1, .gic = -1, .gic_parent = -1 };
	for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		int parent;

		if (depth < WALK_DEPTH_MAX)
			stack[depth] = node;
		if (!depth)
			continue;
		parent = depth <= WALK_DEPTH_MAX ? stack[depth - 1] : fdt_parent_offset(fdt, node);
		walk_node(b, fdt, w, node, depth, parent);
	}
}

/* The console: /chosen's stdout-path, a PL011. Returns its node (below 0: none). */
static int board_console(struct board *b, const void *fdt, const struct fdt_walk *w)
{
	const char *path;
	int len, node, parent;
	uint64_t base, size;

	path = fdt_getprop(fdt, w->chosen, "stdout-path", &len);
	if (!path || len < 1)
		return -1;
	/* "serial0:115200n8" names an alias or path, then options after ':'. */
	len = (int)strnlen(path, (size_t)len);
	for (int i = 0; i < len; i++) {
		if (path[i] == ':') {
			len = i;
			break;
		}
	}
	node = walk_path(fdt, w, path, len, &parent);
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
		return -1;
	if (fdt_first_reg_in(fdt, parent, node, &base, &size)) {
		b->uart_base = base;
		b->uart_from_dtb = true;
	}
	return node;
}

static void board_psci(struct board *b, const void *fdt, const struct fdt_walk *w)
{
	int node = w->psci02 >= 0 ? w->psci02 : w->psci;
	const char *method;

	if (node < 0)
		return;
	method = fdt_getprop(fdt, node, "method", NULL);
	if (method && strcmp(method, "hvc") == 0)
		b->psci = PSCI_CONDUIT_HVC;
	else if (method && strcmp(method, "smc") == 0)
		b->psci = PSCI_CONDUIT_SMC;
}

static void board_bootargs(struct board *b, const void *fdt, int chosen)
{
	int len;
	const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
	size_t n;

	if (!args || len < 1)
		return;
	n = strnlen(args, (size_t)len);
	if (n >= sizeof(b->bootargs)) {
		n = sizeof(b->bootargs) - 1;
		b->bootargs_truncated = true;
	}
	memcpy(b->bootargs, args, n);
	b->bootargs[n] = '\0';
	/* "firmware args -- guest args": the guest's command line follows " -- ". */
	for (char *p = b->bootargs; *p; p++) {
		if (p[0] == '-' && p[1] == '-' && (p == b->bootargs || p[-1] == ' ') &&
		    (p[2] == ' ' || p[2] == '\0')) {
			b->guest_args = p[2] ? p + 3 : p + 2;
			*p = '\0';
			while (p > b->bootargs && p[-1] == ' ')
				*--p = '\0';	/* the firmware's part ends at its last word */
			break;
		}
	}
}

/* An initrd a bootloader placed (QEMU's -initrd, U-Boot's booti): 32- or 64-bit cells. */
static uint64_t fdt_chosen_u64(const void *fdt, int chosen, const char *name, bool *ok)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, chosen, name, &len);

	*ok = p && (len == 4 || len == 8);
	return *ok ? fdt_read_cells(p, len / 4) : 0;
}

static void board_initrd(struct board *b, const void *fdt, int chosen)
{
	bool ok_start, ok_end;
	uint64_t start = fdt_chosen_u64(fdt, chosen, "linux,initrd-start", &ok_start);
	uint64_t end = fdt_chosen_u64(fdt, chosen, "linux,initrd-end", &ok_end);

	if (ok_start && ok_end && end > start) {
		b->initrd_start = start;
		b->initrd_end = end;
	}
}

/* The GICv3: distributor and (one region of) redistributors; the console's SPI. */
static void board_gic(struct board *b, const void *fdt, const struct fdt_walk *w, int uart)
{
	int parent = w->gic_parent, len;
	int ac = fdt_cells(fdt, parent, "#address-cells", 2), sc = fdt_cells(fdt, parent, "#size-cells", 1);
	const fdt32_t *reg = w->gic < 0 ? NULL : fdt_getprop(fdt, w->gic, "reg", &len);
	const fdt32_t *irq;

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 2 * (ac + sc) * (int)sizeof(*reg)) {
		/* The DTB says what the board has: no GICv3 (a GICv2, say), no defaults' GICv3. */
		b->gicd_base = b->gicr_base = b->gicr_size = 0;
		return;
	}
	b->gicd_base = fdt_read_cells(reg, ac);
	b->gicr_base = fdt_read_cells(reg + ac + sc, ac);
	b->gicr_size = fdt_read_cells(reg + 2 * ac + sc, sc);
	/* The console's interrupts = <0 SPI level>: INTID SPI + 32. */
	irq = uart < 0 ? NULL : fdt_getprop(fdt, uart, "interrupts", &len);
	if (irq && len >= 3 * (int)sizeof(*irq) && fdt32_to_cpu(irq[0]) == 0)
		b->uart_intid = fdt32_to_cpu(irq[1]) + 32;
}

void board_from_fdt(struct board *b, const void *dtb)
{
	const void *fdt = dtb;
	uintptr_t addr = (uintptr_t)dtb;
	/* Only look where the EL2 map has memory (the low 4 GiB), 8-aligned. */
	bool plausible = addr && addr < BOARD_MAPPED_LIMIT && !(addr & 7);
	int err = plausible ? fdt_check_header(dtb) : -FDT_ERR_BADMAGIC;
	struct fdt_walk w;
	int uart;

	/* An ELF started by QEMU gets no x0; QEMU leaves the DTB at RAM base. */
	if (err != 0 && fdt_check_header((const void *)VIRT_RAM_BASE) == 0) {
		fdt = (const void *)VIRT_RAM_BASE;
		err = 0;
	}
	if (err != 0) {
		b->dtb_error = err;
		return;
	}
	b->dtb = fdt;
	walk_tree(b, fdt, &w);	/* memory and CPUs as it goes */
	uart = board_console(b, fdt, &w);
	board_psci(b, fdt, &w);
	board_bootargs(b, fdt, w.chosen);
	board_initrd(b, fdt, w.chosen);
	board_gic(b, fdt, &w, uart);
}

/*
 * The boot DTB may lie in what becomes guest RAM: keep a packed copy in
 * the firmware's own memory, the source of every guest DTB built later.
 */
static char dtb_copy[BOARD_DTB_COPY_MAX] __attribute__((aligned(8)));

bool board_keep_dtb(struct board *b)
{
	int err;

	if (!b->dtb)
		return true;
	/*
	 * QEMU's DTB says it is 1 MiB, nearly all free space, and libfdt will
	 * not open a tree into less than its totalsize: copy the blocks alone
	 * (header, reservations, structure, strings), then open that in place.
	 */
	err = fdt_check_header(b->dtb);
	if (err == 0) {
		size_t end = fdt_off_dt_strings(b->dtb) + (size_t)fdt_size_dt_strings(b->dtb);
		size_t st = fdt_off_dt_struct(b->dtb) + (size_t)fdt_size_dt_struct(b->dtb);

		if (st > end)
			end = st;
		if (end > sizeof(dtb_copy) || fdt_off_mem_rsvmap(b->dtb) >= end) {
			err = -FDT_ERR_NOSPACE;
		} else {
			memcpy(dtb_copy, b->dtb, end);
			fdt_set_totalsize(dtb_copy, (uint32_t)end);
			err = fdt_open_into(dtb_copy, dtb_copy, sizeof(dtb_copy));
		}
	}
	if (err == 0)
		err = fdt_pack(dtb_copy);
	if (err != 0) {
		b->dtb_error = err;
		return false;
	}
	b->dtb = dtb_copy;
	return true;
}
