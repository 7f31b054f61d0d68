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
bool board_fdt_first_reg(const void *fdt, int node, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
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

static void board_console(struct board *b, const void *fdt)
{
	const char *path;
	int len, node;
	uint64_t base, size;

	path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", &len);
	if (!path || len < 1)
		return;
	/* "serial0:115200n8" names an alias or path, then options after ':'. */
	len = (int)strnlen(path, (size_t)len);
	for (int i = 0; i < len; i++) {
		if (path[i] == ':') {
			len = i;
			break;
		}
	}
	node = fdt_path_offset_namelen(fdt, path, len);
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
		return;
	if (fdt_get_path(fdt, node, b->uart_path, sizeof(b->uart_path)) != 0)
		b->uart_path[0] = '\0';
	if (board_fdt_first_reg(fdt, node, &base, &size)) {
		b->uart_base = base;
		b->uart_from_dtb = true;
	}
}

static void board_memory(struct board *b, const void *fdt)
{
	int node;
	uint64_t base, size;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory") != 0)
			continue;
		if (board_fdt_first_reg(fdt, node, &base, &size) && size) {
			b->ram_base = base;
			b->ram_size = size;
			b->ram_from_dtb = true;
			return;
		}
	}
}

static void board_psci(struct board *b, const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	if (node < 0)
		return;
	method = fdt_getprop(fdt, node, "method", NULL);
	if (method && strcmp(method, "hvc") == 0)
		b->psci = PSCI_CONDUIT_HVC;
	else if (method && strcmp(method, "smc") == 0)
		b->psci = PSCI_CONDUIT_SMC;
}

static void board_bootargs(struct board *b, const void *fdt)
{
	int len;
	const char *args = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				       "bootargs", &len);
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
static uint64_t fdt_chosen_u64(const void *fdt, const char *name, bool *ok)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), name, &len);

	*ok = p && (len == 4 || len == 8);
	return *ok ? fdt_read_cells(p, len / 4) : 0;
}

static void board_initrd(struct board *b, const void *fdt)
{
	bool ok_start, ok_end;
	uint64_t start = fdt_chosen_u64(fdt, "linux,initrd-start", &ok_start);
	uint64_t end = fdt_chosen_u64(fdt, "linux,initrd-end", &ok_end);

	if (ok_start && ok_end && end > start) {
		b->initrd_start = start;
		b->initrd_end = end;
	}
}

/* The GICv3: distributor and (one region of) redistributors; the console's SPI. */
static void board_gic(struct board *b, const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), len;
	int parent = node < 0 ? -1 : fdt_parent_offset(fdt, node);
	int ac = fdt_cells(fdt, parent, "#address-cells", 2), sc = fdt_cells(fdt, parent, "#size-cells", 1);
	const fdt32_t *reg = node < 0 ? NULL : fdt_getprop(fdt, node, "reg", &len);
	int uart;
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
	uart = fdt_path_offset(fdt, b->uart_path);
	irq = uart < 0 ? NULL : fdt_getprop(fdt, uart, "interrupts", &len);
	if (irq && len >= 3 * (int)sizeof(*irq) && fdt32_to_cpu(irq[0]) == 0)
		b->uart_intid = fdt32_to_cpu(irq[1]) + 32;
}

/* /cpus/cpu@N: each reg is an MPIDR affinity (one or two cells). */
static void board_cpus(struct board *b, const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
	int ac = fdt_cells(fdt, cpus, "#address-cells", 1);

	if (cpus < 0 || ac < 1 || ac > 2)
		return;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!type || strcmp(type, "cpu") != 0 || !reg || len < ac * (int)sizeof(*reg))
			continue;
		if (b->ncpus == BOARD_CPUS_MAX) {
			b->cpus_truncated = true;
			break;
		}
		b->cpu_mpidr[b->ncpus++] = fdt_read_cells(reg, ac);
	}
}

void board_from_fdt(struct board *b, const void *dtb)
{
	const void *fdt = dtb;
	uintptr_t addr = (uintptr_t)dtb;
	/* Only look where the EL2 map has memory (the low 4 GiB), 8-aligned. */
	bool plausible = addr && addr < BOARD_MAPPED_LIMIT && !(addr & 7);
	int err = plausible ? fdt_check_header(dtb) : -FDT_ERR_BADMAGIC;

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
	board_console(b, fdt);
	board_memory(b, fdt);
	board_psci(b, fdt);
	board_bootargs(b, fdt);
	board_initrd(b, fdt);
	board_cpus(b, fdt);
	board_gic(b, fdt);
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
