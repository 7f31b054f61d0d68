/*
 * The guest's device tree: a copy of the boot DTB, pruned to a whitelist
 * and given the guest's memory, CPUs, PSCI and /chosen.
 *
 * Choices (README "Guest device tree"):
 * - Whitelist, not blacklist: a device the firmware does not know is left
 *   out. Kept: the console PL011, what it references by phandle (clocks,
 *   interrupt-parent, transitively), the GICv3 (its ITS removed: the guest
 *   has no MSI source and the ITS is not virtualised), the arm,armv8-timer,
 *   /aliases (pruned), the buses on the way to a kept node.
 * - The reserved range is a /reserved-memory child with no-map rather than
 *   a smaller /memory: the guest's RAM stays one range, and no-map keeps
 *   even speculative accesses out (devicetree spec 3.5.4).
 * - /psci lists "arm,psci" last, so PSCI 0.1 function ids are given, but
 *   only the ones the firmware answers (sysreg/hypercalls.def: CPU_OFF and
 *   CPU_ON); the boot DTB's ids are its firmware's, not ours.
 * - The boot DTB's memory reservation block goes: it describes the host.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "plat/board.h"
#include "el2/fpsimd.h"
#include "el2/guest_dtb.h"
#include "el2/smccc.h"
#include "vmstate/frame.h"

/* MPIDR_EL1's affinity fields (Arm ARM D19.2): Aff3 [39:32], Aff2..0 [23:0]. */
#define MPIDR_AFF_MASK		UINT64_C(0xff00ffffff)
#define MPIDR_AFF3_MASK		UINT64_C(0xff00000000)

#define GUEST_DTB_NEED_MAX	16	/* phandles the kept devices may reference */
#define GUEST_DTB_PATH_MAX	128
#define GUEST_DTB_COMPAT_MAX	64
#define GUEST_DTB_DEPTH_MAX	16	/* buses between the root and a kept node */
#define GUEST_DTB_CPU_COMPAT	"arm,armv8"

struct guest_dtb {
	void *fdt;
	const struct guest_dtb_cfg *c;
	const char *why;
	int ac, sc;			/* the root's #address-cells, #size-cells */
	unsigned int nneed;
	uint32_t need[GUEST_DTB_NEED_MAX];
	char uart_path[GUEST_DTB_PATH_MAX];
	char cpu_compat[GUEST_DTB_COMPAT_MAX];
	int cpu_compat_len;
};

static int guest_dtb_fail(struct guest_dtb *g, int err, const char *why)
{
	if (!g->why)
		g->why = why;
	return err < 0 ? err : -FDT_ERR_INTERNAL;
}

/* A string property (libfdt's own macro trips -Wconversion). */
static int guest_dtb_str(void *fdt, int node, const char *name, const char *val)
{
	return fdt_setprop(fdt, node, name, val, (int)strlen(val) + 1);
}

/* Lowercase hex without leading zeros, as unit addresses are written. */
static size_t guest_dtb_hex(char *p, uint64_t v)
{
	char tmp[16];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	while (n)
		p[i++] = tmp[--n];
	return i;
}

/* "name@hex" into buf (at least 32 bytes). */
static const char *guest_dtb_unit(char *buf, const char *name, uint64_t addr)
{
	size_t n = strlen(name);

	memcpy(buf, name, n);
	buf[n++] = '@';
	buf[n + guest_dtb_hex(buf + n, addr)] = '\0';
	return buf;
}

static bool guest_dtb_inside(const struct guest_dtb_cfg *c, uint64_t base, uint64_t end)
{
	return base >= c->ram_base && base < end && end <= c->ram_base + c->ram_size;
}

static int guest_dtb_check_cfg(struct guest_dtb *g)
{
	const struct guest_dtb_cfg *c = g->c;

	if (!c->ram_size || c->ram_base + c->ram_size < c->ram_base)
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE, "guest RAM range is empty or wraps");
	if ((c->initrd_start || c->initrd_end) &&
	    !guest_dtb_inside(c, c->initrd_start, c->initrd_end))
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE, "initrd is empty or outside guest RAM");
	if ((c->resv_base || c->resv_size) &&
	    (c->resv_base + c->resv_size < c->resv_base ||
	     !guest_dtb_inside(c, c->resv_base, c->resv_base + c->resv_size)))
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE,
				      "reserved range is empty or outside guest RAM");
	if (!c->bootargs)
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE, "no bootargs string (give \"\")");
	if (c->ncpus < 1 || c->ncpus > RV_MAX_CPUS || !c->mpidr)
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE, "vCPU count outside 1..RV_MAX_CPUS");
	for (unsigned int i = 0; i < c->ncpus; i++)
		for (unsigned int j = 0; j < i; j++)
			if (((c->mpidr[i] ^ c->mpidr[j]) & MPIDR_AFF_MASK) == 0)
				return guest_dtb_fail(g, -FDT_ERR_BADVALUE,
						      "two vCPUs have the same MPIDR affinity");
	return 0;
}

/* (addr, size) in the root's cells, refused when a value does not fit them. */
static int guest_dtb_set_reg(struct guest_dtb *g, int node, uint64_t addr, uint64_t size)
{
	fdt32_t cells[4];
	int n = 0;

	if ((g->ac == 1 && addr > UINT32_MAX) || (g->sc == 1 && size > UINT32_MAX))
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE,
				      "a guest range does not fit the root's #address/#size-cells");
	if (g->ac == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(addr >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)addr);
	if (g->sc == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)size);
	return fdt_setprop(g->fdt, node, "reg", cells, n * (int)sizeof(cells[0]));
}

/* The console: the arm,pl011 whose first reg is uart_base. */
static bool guest_dtb_is_uart(const struct guest_dtb *g, int node)
{
	uint64_t base, size;

	return fdt_node_check_compatible(g->fdt, node, "arm,pl011") == 0 &&
	       board_fdt_first_reg(g->fdt, node, &base, &size) && base == g->c->uart_base;
}

static bool guest_dtb_is_kept(const struct guest_dtb *g, int node)
{
	uint32_t ph = fdt_get_phandle(g->fdt, node);

	if (fdt_node_check_compatible(g->fdt, node, "arm,gic-v3") == 0 ||
	    fdt_node_check_compatible(g->fdt, node, "arm,armv8-timer") == 0 ||
	    guest_dtb_is_uart(g, node))
		return true;
	for (unsigned int i = 0; ph && i < g->nneed; i++)
		if (g->need[i] == ph)
			return true;
	return false;
}

static int guest_dtb_need(struct guest_dtb *g, uint32_t ph)
{
	if (fdt_node_offset_by_phandle(g->fdt, ph) < 0)
		return guest_dtb_fail(g, -FDT_ERR_BADPHANDLE,
				      "the console references a phandle with no node");
	for (unsigned int i = 0; i < g->nneed; i++)
		if (g->need[i] == ph)
			return 0;
	if (g->nneed == GUEST_DTB_NEED_MAX)
		return guest_dtb_fail(g, -FDT_ERR_NOSPACE, "the console references too many nodes");
	g->need[g->nneed++] = ph;
	return 0;
}

/* The phandles node references that the guest needs: interrupt-parent, clocks. */
static int guest_dtb_follow(struct guest_dtb *g, int node)
{
	const fdt32_t *p;
	int len, err = 0;

	p = fdt_getprop(g->fdt, node, "interrupt-parent", &len);
	if (p && len == (int)sizeof(*p))
		err = guest_dtb_need(g, fdt32_to_cpu(*p));
	p = fdt_getprop(g->fdt, node, "clocks", &len);
	/* A list of <phandle arg...>, as many args as the provider's #clock-cells. */
	for (int i = 0; p && !err && i < len / (int)sizeof(*p);) {
		uint32_t ph = fdt32_to_cpu(p[i]);
		int prov = fdt_node_offset_by_phandle(g->fdt, ph);
		const fdt32_t *cells = prov < 0 ? NULL :
			fdt_getprop(g->fdt, prov, "#clock-cells", &len);

		if (!cells || len != (int)sizeof(*cells) || fdt32_to_cpu(*cells) > 8)
			return guest_dtb_fail(g, -FDT_ERR_BADNCELLS,
					      "a console clock has no valid provider");
		err = guest_dtb_need(g, ph);
		i += 1 + (int)fdt32_to_cpu(*cells);
		fdt_getprop(g->fdt, node, "clocks", &len);
	}
	return err;
}

/* Before anything is changed: the root's cells, the console and its needs, the cpu compatible. */
static int guest_dtb_survey(struct guest_dtb *g)
{
	int node = -1, err, cpus, len;
	const char *compat;

	g->ac = fdt_address_cells(g->fdt, 0);
	g->sc = fdt_size_cells(g->fdt, 0);
	if (g->ac < 1 || g->ac > 2 || g->sc < 1 || g->sc > 2)
		return guest_dtb_fail(g, -FDT_ERR_BADNCELLS,
				      "root #address-cells/#size-cells not 1 or 2");
	do
		node = fdt_node_offset_by_compatible(g->fdt, node, "arm,pl011");
	while (node >= 0 && !guest_dtb_is_uart(g, node));
	if (node < 0)
		return guest_dtb_fail(g, -FDT_ERR_NOTFOUND, "no arm,pl011 node at the console's base");
	err = fdt_get_path(g->fdt, node, g->uart_path, sizeof(g->uart_path));
	if (err)
		return guest_dtb_fail(g, err, "the console's path is too long");
	err = guest_dtb_follow(g, node);
	for (unsigned int i = 0; !err && i < g->nneed; i++)
		err = guest_dtb_follow(g, fdt_node_offset_by_phandle(g->fdt, g->need[i]));
	if (err)
		return err;

	memcpy(g->cpu_compat, GUEST_DTB_CPU_COMPAT, sizeof(GUEST_DTB_CPU_COMPAT));
	g->cpu_compat_len = sizeof(GUEST_DTB_CPU_COMPAT);
	cpus = fdt_path_offset(g->fdt, "/cpus");
	fdt_for_each_subnode(node, g->fdt, cpus) {
		const char *type = fdt_getprop(g->fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "cpu") != 0)
			continue;
		compat = fdt_getprop(g->fdt, node, "compatible", &len);
		if (compat && len > 1 && len <= GUEST_DTB_COMPAT_MAX && !compat[len - 1]) {
			memcpy(g->cpu_compat, compat, (size_t)len);
			g->cpu_compat_len = len;
		}
		break;
	}
	return 0;
}

enum guest_dtb_fate { GUEST_DTB_DROP, GUEST_DTB_KEEP, GUEST_DTB_DESCEND };

static enum guest_dtb_fate guest_dtb_fate(const struct guest_dtb *g, int node, int depth)
{
	static const char *const rebuilt[] = { "chosen", "cpus", "psci", "reserved-memory" };
	const char *name = fdt_get_name(g->fdt, node, NULL);
	const char *type = fdt_getprop(g->fdt, node, "device_type", NULL);
	int d = 0;

	if (depth == 1) {
		for (unsigned int i = 0; i < ARRAY_SIZE(rebuilt); i++)
			if (name && strcmp(name, rebuilt[i]) == 0)
				return GUEST_DTB_DROP;
		if (type && strcmp(type, "memory") == 0)
			return GUEST_DTB_DROP;
		if (name && strcmp(name, "aliases") == 0)
			return GUEST_DTB_KEEP;	/* pruned once the tree is final */
	}
	if (guest_dtb_is_kept(g, node))
		return GUEST_DTB_KEEP;
	for (int sub = fdt_next_node(g->fdt, node, &d); sub >= 0 && d > 0;
	     sub = fdt_next_node(g->fdt, sub, &d))
		if (guest_dtb_is_kept(g, sub))
			return GUEST_DTB_DESCEND;
	return GUEST_DTB_DROP;
}

/*
 * Drop every child of parent that neither is nor holds a kept node. A
 * deletion moves what follows, so the walk starts again after each one.
 */
static int guest_dtb_prune(struct guest_dtb *g, int parent, int depth)
{
	int child = fdt_first_subnode(g->fdt, parent), err;

	if (depth > GUEST_DTB_DEPTH_MAX)
		return guest_dtb_fail(g, -FDT_ERR_BADSTRUCTURE, "the console is nested too deep");
	while (child >= 0) {
		switch (guest_dtb_fate(g, child, depth)) {
		case GUEST_DTB_DROP:
			err = fdt_del_node(g->fdt, child);
			if (err)
				return guest_dtb_fail(g, err, "removing a device node");
			child = fdt_first_subnode(g->fdt, parent);
			continue;
		case GUEST_DTB_DESCEND:
			err = guest_dtb_prune(g, child, depth + 1);
			if (err)
				return err;
			break;
		case GUEST_DTB_KEEP:
			break;
		}
		child = fdt_next_subnode(g->fdt, child);
	}
	return 0;
}

/* Root properties other than these describe the host. */
static int guest_dtb_root_props(struct guest_dtb *g)
{
	static const char *const keep[] = {
		"compatible", "model", "#address-cells", "#size-cells", "interrupt-parent",
	};
	const fdt32_t *ip;
	int prop, len, err;

again:
	fdt_for_each_property_offset(prop, g->fdt, 0) {
		const char *name;
		unsigned int i;

		if (!fdt_getprop_by_offset(g->fdt, prop, &name, NULL) || !name)
			return guest_dtb_fail(g, -FDT_ERR_BADSTRUCTURE, "a root property has no name");
		for (i = 0; i < ARRAY_SIZE(keep) && strcmp(name, keep[i]) != 0; i++)
			;
		if (i == ARRAY_SIZE(keep)) {
			err = fdt_delprop(g->fdt, 0, name);
			if (err)
				return guest_dtb_fail(g, err, "removing a root property");
			goto again;
		}
	}
	/* Without a GIC the root's interrupt-parent would point nowhere. */
	ip = fdt_getprop(g->fdt, 0, "interrupt-parent", &len);
	if (ip && (len != (int)sizeof(*ip) ||
		   fdt_node_offset_by_phandle(g->fdt, fdt32_to_cpu(*ip)) < 0))
		return fdt_delprop(g->fdt, 0, "interrupt-parent");
	return 0;
}

static int guest_dtb_drop_its(struct guest_dtb *g)
{
	int node, err;

	while ((node = fdt_node_offset_by_compatible(g->fdt, -1, "arm,gic-v3-its")) >= 0) {
		err = fdt_del_node(g->fdt, node);
		if (err)
			return guest_dtb_fail(g, err, "removing the GIC's ITS");
	}
	return node == -FDT_ERR_NOTFOUND ? 0 : node;
}

/* An alias survives if it is an absolute path to a node still here; serial0 is the console. */
static int guest_dtb_aliases(struct guest_dtb *g)
{
	int node = fdt_path_offset(g->fdt, "/aliases"), prop, len, err;

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(g->fdt, 0, "aliases");
	if (node < 0)
		return guest_dtb_fail(g, node, "adding /aliases");
again:
	fdt_for_each_property_offset(prop, g->fdt, node) {
		const char *name, *val = fdt_getprop_by_offset(g->fdt, prop, &name, &len);

		if (!name)
			return guest_dtb_fail(g, -FDT_ERR_BADSTRUCTURE, "an alias has no name");
		if (val && len > 1 && val[0] == '/' && !val[len - 1] &&
		    strncmp(name, "serial", 6) != 0 && fdt_path_offset(g->fdt, val) >= 0)
			continue;
		err = fdt_delprop(g->fdt, node, name);
		if (err)
			return guest_dtb_fail(g, err, "removing an alias");
		goto again;
	}
	return guest_dtb_str(g->fdt, node, "serial0", g->uart_path);
}

static int guest_dtb_memory(struct guest_dtb *g)
{
	const struct guest_dtb_cfg *c = g->c;
	char name[32];
	int node, sub, err;

	node = fdt_add_subnode(g->fdt, 0, guest_dtb_unit(name, "memory", c->ram_base));
	if (node < 0)
		return node;
	err = guest_dtb_str(g->fdt, node, "device_type", "memory");
	if (!err)
		err = guest_dtb_set_reg(g, node, c->ram_base, c->ram_size);
	if (err || !c->resv_size)
		return err;
	node = fdt_add_subnode(g->fdt, 0, "reserved-memory");
	if (node < 0)
		return node;
	err = fdt_setprop_u32(g->fdt, node, "#address-cells", (uint32_t)g->ac);
	if (!err)
		err = fdt_setprop_u32(g->fdt, node, "#size-cells", (uint32_t)g->sc);
	if (!err)
		err = fdt_setprop_empty(g->fdt, node, "ranges");
	if (err)
		return err;
	sub = fdt_add_subnode(g->fdt, node, guest_dtb_unit(name, "regvisor", c->resv_base));
	if (sub < 0)
		return sub;
	err = guest_dtb_set_reg(g, sub, c->resv_base, c->resv_size);
	return err ? err : fdt_setprop_empty(g->fdt, sub, "no-map");
}

static int guest_dtb_chosen(struct guest_dtb *g)
{
	const struct guest_dtb_cfg *c = g->c;
	int node = fdt_add_subnode(g->fdt, 0, "chosen"), err;

	if (node < 0)
		return node;
	err = guest_dtb_str(g->fdt, node, "bootargs", c->bootargs);
	if (!err)
		err = guest_dtb_str(g->fdt, node, "stdout-path", g->uart_path);
	if (!err && c->initrd_end)
		err = fdt_setprop_u64(g->fdt, node, "linux,initrd-start", c->initrd_start);
	if (!err && c->initrd_end)
		err = fdt_setprop_u64(g->fdt, node, "linux,initrd-end", c->initrd_end);
	return err;
}

static int guest_dtb_psci(struct guest_dtb *g)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	int node = fdt_add_subnode(g->fdt, 0, "psci"), err;

	if (node < 0)
		return node;
	err = fdt_setprop(g->fdt, node, "compatible", compat, sizeof(compat));
	if (!err)
		err = guest_dtb_str(g->fdt, node, "method", "hvc");
	if (!err)
		err = fdt_setprop_u32(g->fdt, node, "cpu_off", HCALL_PSCI_CPU_OFF);
	return err ? err : fdt_setprop_u32(g->fdt, node, "cpu_on", HCALL_PSCI_CPU_ON64);
}

static int guest_dtb_cpus(struct guest_dtb *g)
{
	const struct guest_dtb_cfg *c = g->c;
	uint32_t ac = 1;
	char name[32];
	int cpus, node, err;

	for (unsigned int i = 0; i < c->ncpus; i++)
		if (c->mpidr[i] & MPIDR_AFF3_MASK)
			ac = 2;
	cpus = fdt_add_subnode(g->fdt, 0, "cpus");
	if (cpus < 0)
		return cpus;
	err = fdt_setprop_u32(g->fdt, cpus, "#address-cells", ac);
	if (!err)
		err = fdt_setprop_u32(g->fdt, cpus, "#size-cells", 0);
	/* Added first to last before each other: the tree lists them in vCPU order. */
	for (unsigned int i = c->ncpus; !err && i-- > 0;) {
		uint64_t reg = c->mpidr[i] & MPIDR_AFF_MASK;

		node = fdt_add_subnode(g->fdt, cpus, guest_dtb_unit(name, "cpu", reg));
		if (node < 0)
			return node;
		err = guest_dtb_str(g->fdt, node, "device_type", "cpu");
		if (!err)
			err = fdt_setprop(g->fdt, node, "compatible", g->cpu_compat,
					  g->cpu_compat_len);
		if (!err)
			err = ac == 2 ? fdt_setprop_u64(g->fdt, node, "reg", reg) :
				fdt_setprop_u32(g->fdt, node, "reg", (uint32_t)reg);
		if (!err)
			err = guest_dtb_str(g->fdt, node, "enable-method", "psci");
	}
	return err;
}

static int guest_dtb_edit(struct guest_dtb *g)
{
	int err;

	while (fdt_num_mem_rsv(g->fdt) > 0) {
		err = fdt_del_mem_rsv(g->fdt, 0);
		if (err)
			return guest_dtb_fail(g, err, "removing a memory reservation");
	}
	err = guest_dtb_prune(g, 0, 1);
	if (!err)
		err = guest_dtb_drop_its(g);
	if (!err)
		err = guest_dtb_root_props(g);
	if (err)
		return guest_dtb_fail(g, err, "pruning the tree");
	/* Each add goes before its siblings: last added, first listed. */
	err = guest_dtb_psci(g);
	if (!err)
		err = guest_dtb_cpus(g);
	if (!err)
		err = guest_dtb_chosen(g);
	if (err)
		return guest_dtb_fail(g, err, err == -FDT_ERR_NOSPACE ?
				      "the guest DTB does not fit its buffer" :
				      "adding /chosen, /cpus or /psci");
	err = guest_dtb_memory(g);
	if (err)
		return guest_dtb_fail(g, err, err == -FDT_ERR_NOSPACE ?
				      "the guest DTB does not fit its buffer" :
				      "adding /memory or /reserved-memory");
	err = guest_dtb_aliases(g);
	if (err)
		return guest_dtb_fail(g, err, "the guest DTB does not fit its buffer");
	return 0;
}

static bool guest_dtb_overlap(const void *a, size_t alen, const void *b, size_t blen)
{
	uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;

	return pa < pb + blen && pb < pa + alen;
}

static int guest_dtb_copy(struct guest_dtb *g, void *out, size_t out_size, const void *boot_dtb)
{
	int size = out_size > INT32_MAX ? INT32_MAX : (int)out_size;
	int err;

	if (!boot_dtb || ((uintptr_t)boot_dtb & 7))
		return guest_dtb_fail(g, -FDT_ERR_BADMAGIC, "no boot DTB (NULL or misaligned)");
	if (!out || ((uintptr_t)out & 7) || out_size < sizeof(struct fdt_header))
		return guest_dtb_fail(g, -FDT_ERR_NOSPACE, "out is NULL, misaligned or too small");
	err = fdt_check_header(boot_dtb);
	if (err)
		return guest_dtb_fail(g, err, "the boot DTB's header is not valid");
	if (guest_dtb_overlap(out, out_size, boot_dtb, fdt_totalsize(boot_dtb)))
		return guest_dtb_fail(g, -FDT_ERR_BADVALUE, "out overlaps the boot DTB");
	/* Sized by the blocks, not totalsize: QEMU's 1 MiB DTB is mostly free space. */
	err = fdt_open_into(boot_dtb, out, size);
	if (err)
		return guest_dtb_fail(g, err, err == -FDT_ERR_NOSPACE ?
				      "the boot DTB does not fit the guest DTB's buffer" :
				      "the boot DTB cannot be opened");
	/* Every later step reads only the copy, so checking the copy is enough. */
	err = fdt_check_full(out, (size_t)size);
	if (err)
		return guest_dtb_fail(g, err, "the boot DTB's structure is malformed");
	return 0;
}

int guest_dtb_build(void *out, size_t out_size, const void *boot_dtb,
		    const struct guest_dtb_cfg *c, const char **why)
{
	struct guest_dtb g = { .fdt = out, .c = c };
	int err;

	fpsimd_claim();		/* libfdt's writing half uses SIMD registers */
	err = c ? guest_dtb_check_cfg(&g) : guest_dtb_fail(&g, -FDT_ERR_BADVALUE, "no cfg");
	if (!err)
		err = guest_dtb_copy(&g, out, out_size, boot_dtb);
	if (!err)
		err = guest_dtb_survey(&g);
	if (!err)
		err = guest_dtb_edit(&g);
	if (!err) {
		err = fdt_pack(out);
		if (err)
			guest_dtb_fail(&g, err, "packing the guest DTB");
	}
	if (!err) {
		err = fdt_check_full(out, fdt_totalsize(out));
		if (err)
			guest_dtb_fail(&g, err, "the guest DTB fails its own check");
	}
	if (err && out && out_size >= sizeof(struct fdt_header))
		memset(out, 0, sizeof(struct fdt_header));
	if (why)
		*why = err ? g.why : NULL;
	return err;
}

static void guest_dtb_emit(const char *line, void *ctx)
{
	(void)ctx;
	printf("%s\n", line);
}

void guest_dtb_print(const void *dtb)
{
	frame_encode_marked(dtb, fdt_totalsize(dtb), GUEST_DTB_FRAME_BEGIN, GUEST_DTB_FRAME_END,
			    guest_dtb_emit, NULL);
}
