/* regvisor-state decode and diff: a blob's every vCPU and the VM, by name. */
#include <stdio.h>
#include <string.h>

#include "vmstate/policy.h"
#include "tools/state.h"

/* A register's name, or a device entry's ("GICD+0x100"), or "(unknown)". */
static const char *entry_name(uint64_t id)
{
	static char buf[40];
	const char *n = vmstate_id_name(id);

	if (n)
		return n;
	return vmstate_dev_name(id, buf, sizeof(buf)) ? buf : "(unknown)";
}

static void print_entries(const struct vmstate_entry *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		printf("%-26s 0x%016llx  0x%016llx  %s\n", entry_name(e[i].id),
		       (unsigned long long)e[i].id, (unsigned long long)e[i].value,
		       e[i].droppable ? "droppable" : "-");
}

static const char *power_text(unsigned int power)
{
	const char *p = vmstate_power_name(power);

	return p ? p : "(invalid)";
}

static void print_vcpu(const struct vmstate_vcpu *c)
{
	printf("vcpu %u: mpidr 0x%016llx, %s", c->index, (unsigned long long)c->mpidr,
	       power_text(c->power));
	if (c->power == VMSTATE_POWER_ON_PENDING || c->entry || c->context)
		printf(", entry 0x%llx, context 0x%llx", (unsigned long long)c->entry,
		       (unsigned long long)c->context);
	printf(", %u registers, %u device entries\n", c->nregs, c->ndev);
	for (unsigned int i = 0; i < 31; i++)
		printf("x%-2u = 0x%016llx\n", i, (unsigned long long)c->core.x[i]);
	printf("pc  = 0x%016llx\npstate = 0x%016llx\n", (unsigned long long)c->core.pc,
	       (unsigned long long)c->core.pstate);
	for (unsigned int i = 0; i < 32; i++)
		printf("v%-2u = 0x%016llx%016llx\n", i, (unsigned long long)c->fp.v[i][1],
		       (unsigned long long)c->fp.v[i][0]);
	printf("fpsr = 0x%08x\nfpcr = 0x%08x\n", c->fp.fpsr, c->fp.fpcr);
	printf("%-26s %-18s  %-18s  %s\n", "name", "id", "value", "flags");
	print_entries(c->regs, c->nregs);
	print_entries(c->dev, c->ndev);
}

int cmd_decode(const char *path)
{
	static struct vmstate s;
	int rc = load_blob(path, &s, NULL, NULL);

	if (rc)
		return rc;
	printf("format %u.%u, written by firmware v%u, %u vCPU%s\n", s.major, s.minor,
	       s.fw_version, s.nvcpus, s.nvcpus == 1 ? "" : "s");
	printf("vcount = 0x%016llx\n", (unsigned long long)s.vcount);
	if (s.ndev) {
		printf("vm: %u device entries\n", s.ndev);
		print_entries(s.dev, s.ndev);
	}
	for (unsigned int i = 0; i < s.nvcpus; i++)
		print_vcpu(&s.vcpu[i]);
	return 0;
}

/* One differing value, in the register lines' columns; 1 when it differs. */
static unsigned int diff_u64(const char *name, uint64_t a, uint64_t b)
{
	if (a == b)
		return 0;
	printf("%-26s %-18s  0x%016llx  0x%016llx\n", name, "", (unsigned long long)a,
	       (unsigned long long)b);
	return 1;
}

/* Entries by id, both ways: a changed value, or one only on one side. */
static unsigned int diff_entries(const struct vmstate_entry *a, unsigned int na,
				 const struct vmstate_entry *b, unsigned int nb)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < na; i++) {
		const struct vmstate_entry *eb = vmstate_find_entry(b, nb, a[i].id);

		if (!eb)
			n++, printf("%-26s 0x%016llx  only in A\n", entry_name(a[i].id),
				    (unsigned long long)a[i].id);
		else if (a[i].value != eb->value)
			n++, printf("%-26s 0x%016llx  0x%016llx  0x%016llx\n", entry_name(a[i].id),
				    (unsigned long long)a[i].id, (unsigned long long)a[i].value,
				    (unsigned long long)eb->value);
	}
	for (unsigned int i = 0; i < nb; i++)
		if (!vmstate_find_entry(a, na, b[i].id))
			n++, printf("%-26s 0x%016llx  only in B\n", entry_name(b[i].id),
				    (unsigned long long)b[i].id);
	return n;
}

static unsigned int diff_vcpu(const struct vmstate_vcpu *a, const struct vmstate_vcpu *b)
{
	unsigned int n = 0;

	n += diff_u64("mpidr", a->mpidr, b->mpidr);
	if (a->power != b->power)
		n++, printf("%-26s %-18s  %-18s  %s\n", "power", "", power_text(a->power),
			    power_text(b->power));
	n += diff_u64("entry", a->entry, b->entry);
	n += diff_u64("context", a->context, b->context);
	n += diff_u64("pc", a->core.pc, b->core.pc);
	n += diff_u64("pstate", a->core.pstate, b->core.pstate);
	for (unsigned int i = 0; i < 31; i++) {
		char name[8];

		snprintf(name, sizeof(name), "x%u", i);
		n += diff_u64(name, a->core.x[i], b->core.x[i]);
	}
	for (unsigned int i = 0; i < 32; i++)
		if (a->fp.v[i][0] != b->fp.v[i][0] || a->fp.v[i][1] != b->fp.v[i][1]) {
			n++;
			printf("v%-25u %-18s  0x%016llx%016llx  0x%016llx%016llx\n", i, "",
			       (unsigned long long)a->fp.v[i][1], (unsigned long long)a->fp.v[i][0],
			       (unsigned long long)b->fp.v[i][1], (unsigned long long)b->fp.v[i][0]);
		}
	n += diff_u64("fpsr", a->fp.fpsr, b->fp.fpsr);
	n += diff_u64("fpcr", a->fp.fpcr, b->fp.fpcr);
	n += diff_entries(a->regs, a->nregs, b->regs, b->nregs);
	n += diff_entries(a->dev, a->ndev, b->dev, b->ndev);
	return n;
}

int cmd_diff(const char *a, const char *b)
{
	static struct vmstate sa, sb;
	unsigned int ndiff = 0, common;
	int rc;

	if ((rc = load_blob(a, &sa, NULL, NULL)) || (rc = load_blob(b, &sb, NULL, NULL)))
		return rc;
	common = sa.nvcpus < sb.nvcpus ? sa.nvcpus : sb.nvcpus;
	ndiff += diff_u64("vcpus", sa.nvcpus, sb.nvcpus);
	ndiff += diff_u64("vcount", sa.vcount, sb.vcount);
	ndiff += diff_entries(sa.dev, sa.ndev, sb.dev, sb.ndev);
	for (unsigned int i = 0; i < common; i++) {
		printf("vcpu %u:\n", i);
		ndiff += diff_vcpu(&sa.vcpu[i], &sb.vcpu[i]);
	}
	for (unsigned int i = common; i < sa.nvcpus || i < sb.nvcpus; i++, ndiff++)
		printf("vcpu %u: only in %s\n", i, i < sa.nvcpus ? "A" : "B");
	printf("%u differences\n", ndiff);
	return ndiff ? EXIT_DIFFERENT : 0;
}
