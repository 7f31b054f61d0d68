/*
 * Live upgrade (README "Live upgrade", el2/handover.h): the monitor's
 * `upgrade` takes a new firmware image, checks it whole, exports the
 * stopped guest for the image's version and, only once that succeeded,
 * hands the machine over; the new image, started with the handover block,
 * takes the guest over without resetting anything it owns and imports the
 * blob with its own all-or-nothing checks.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "el2/asm.h"
#include "el2/handover.h"
#include "el2/monitor.h"
#include "el2/upgrade.h"
#include "el2/vmstate_fw.h"
#include "plat/plat.h"
#include "vmstate/crc32c.h"
#include "vmstate/fwimage.h"

_Static_assert(HANDOVER_CONTRACT == FWIMAGE_HANDOVER, "boot/head.S writes the contract it speaks");
_Static_assert(UPGRADE_STAGE + UPGRADE_STAGE_MAX <= HANDOVER_BLOCK &&
	       HANDOVER_BLOCK + HANDOVER_BLOCK_MAX <= HANDOVER_TRAMP &&
	       HANDOVER_TRAMP + HANDOVER_TRAMP_MAX <= HANDOVER_BLOB &&
	       HANDOVER_BLOB + HANDOVER_BLOB_MAX <= HANDOVER_DTB &&
	       HANDOVER_DTB + HANDOVER_DTB_MAX <= UPGRADE_END, "the upgrade area's parts do not overlap");
_Static_assert(BOARD_DTB_COPY_MAX <= HANDOVER_DTB_MAX, "the boot DTB's copy travels whole");

extern char __fw_start[], __fw_end[], upgrade_tramp[], upgrade_tramp_end[];
/* el2/upgrade_hw.S */
_Noreturn void upgrade_jump(uint64_t tramp, uint64_t src, uint64_t len, uint64_t dtb,
			    uint64_t block);

#define PSCI_FN_CPU_OFF		UINT64_C(0x84000002)
#define PSCI_FN_AFFINITY_INFO	UINT64_C(0xc4000004)
#define PSCI_AFF_OFF		1
#define WAIT_LIMIT		100000000ul

static struct handover *block(void)
{
	return (struct handover *)(uintptr_t)HANDOVER_BLOCK;
}

static uint8_t *staging(void)
{
	return (uint8_t *)(uintptr_t)UPGRADE_STAGE;
}

static void refuse(const char *what)
{
	printf("regvisor: upgrade: error: %s; nothing changed, the guest stays on version %d\n",
	       what, FW_VERSION);
}

static bool overlaps(uint64_t a, uint64_t e, uint64_t b, uint64_t f)
{
	return a < f && b < e;
}

/* A bootloader's image at addr into the staging area; its length, 0 after an error line. */
static size_t take_preloaded(uint64_t addr)
{
	uint64_t ram_end = board.ram_base + board.ram_size, len;
	const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
	char why[160];

	if (addr & 15 || addr < board.ram_base || addr + FWIMAGE_HEADER > ram_end ||
	    overlaps(addr, addr + FWIMAGE_HEADER, (uintptr_t)__fw_start, (uintptr_t)__fw_end)) {
		snprintf(why, sizeof(why), "0x%llx: not a 16-byte aligned address in RAM outside "
			 "the running firmware", (unsigned long long)addr);
		refuse(why);
		return 0;
	}
	/* Its header says how long it is; the check proper follows on the staged copy. */
	len = (uint64_t)p[FWIMAGE_OFF_LOADED] | (uint64_t)p[FWIMAGE_OFF_LOADED + 1] << 8 |
	      (uint64_t)p[FWIMAGE_OFF_LOADED + 2] << 16 | (uint64_t)p[FWIMAGE_OFF_LOADED + 3] << 24;
	if (len < FWIMAGE_HEADER || len > UPGRADE_STAGE_MAX)
		len = FWIMAGE_HEADER;	/* the check says what is wrong with it */
	if (addr + len > ram_end ||
	    overlaps(addr, addr + len, (uintptr_t)__fw_start, (uintptr_t)__fw_end) ||
	    overlaps(addr, addr + len, HANDOVER_BLOCK, UPGRADE_END)) {
		snprintf(why, sizeof(why), "image at 0x%llx..0x%llx: runs past RAM or into the "
			 "running firmware", (unsigned long long)addr, (unsigned long long)(addr + len));
		refuse(why);
		return 0;
	}
	if (addr != UPGRADE_STAGE)
		memmove(staging(), p, len);
	return len;
}

/* Every vCPU but v's is off or parked at EL2 (the break-in rendezvous). */
static bool others_parked(const struct vcpu *v)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		const struct vcpu *t = &vm.vcpu[i];
		int p = __atomic_load_n(&t->power, __ATOMIC_ACQUIRE);

		if (t != v && p != VCPU_OFF && !(p == VCPU_ON && __atomic_load_n(&t->parked,
										  __ATOMIC_ACQUIRE)))
			return false;
	}
	return true;
}

/*
 * Another CPU, parked for the monitor, told to go: its interrupts in
 * flight into the block, then off (its vCPU's registers are in the blob).
 */
_Noreturn void upgrade_cpu_off(struct vcpu *v)
{
	struct handover_vgic_cpu *c = &block()->vgic_cpu[v->index];

	vgic_handover_save_cpu(v, c);
	__atomic_store_n(&c->valid, 1, __ATOMIC_RELEASE);
	psci_call(board.psci, PSCI_FN_CPU_OFF, 0, 0, 0);
	for (;;)
		cpu_wait_event();	/* CPU_OFF does not return; the boot CPU waits for OFF */
}

static void wait_others_off(const struct vcpu *v)
{
	struct handover *h = block();

	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		const struct vcpu *t = &vm.vcpu[i];
		unsigned long n;

		if (t == v || __atomic_load_n(&t->power, __ATOMIC_ACQUIRE) == VCPU_OFF)
			continue;
		for (n = 0; n < WAIT_LIMIT; n++)
			if (__atomic_load_n(&h->vgic_cpu[i].valid, __ATOMIC_ACQUIRE) &&
			    psci_call(board.psci, PSCI_FN_AFFINITY_INFO, t->hw_mpidr, 0, 0) ==
			    PSCI_AFF_OFF)
				break;
		if (n == WAIT_LIMIT)
			PANIC("upgrade: CPU 0x%llx did not go off", (unsigned long long)t->hw_mpidr);
	}
}

/* The block, every CPU but this one off, the trampoline: into the new image. */
static _Noreturn void hand_over(struct vcpu *v, const struct fwimage_info *fi, size_t blob_len,
				uint64_t t0)
{
	static struct handover_vgic_cpu kept[RV_MAX_CPUS];
	struct handover *h = block();
	uint32_t dtb_len = fdt_totalsize(board.dtb);

	/* A vCPU never started since an earlier handover still has its interrupts there. */
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		if (vm.vcpu[i].vgic.carried)
			kept[i] = *vm.vcpu[i].vgic.carried;
	memset(h, 0, sizeof(*h));
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		if (vm.vcpu[i].vgic.carried)
			h->vgic_cpu[i] = kept[i];
		h->hw_mpidr[i] = vm.vcpu[i].hw_mpidr;
	}
	h->magic = HANDOVER_MAGIC;
	h->contract = FWIMAGE_HANDOVER;
	h->size = sizeof(*h);
	h->from_version = FW_VERSION;
	h->to_version = fi->version;
	h->nvcpus = vm.nvcpus;
	h->blob = HANDOVER_BLOB;
	h->blob_len = (uint32_t)blob_len;
	h->dtb = HANDOVER_DTB;
	h->dtb_len = dtb_len;
	h->t_stop = t0;
	memcpy((void *)(uintptr_t)HANDOVER_DTB, board.dtb, dtb_len);
	guest_handover_save(&h->guest);
	vgic_handover_save(h);
	vuart_handover_save(&h->vuart);
	vgic_handover_save_cpu(v, &h->vgic_cpu[v->index]);
	h->vgic_cpu[v->index].valid = 1;
	printf("regvisor: upgrade: handing over to version %u: every other CPU off, the image "
	       "into place, the guest's state in a %u-byte blob at 0x%llx\n", fi->version,
	       (unsigned int)blob_len, (unsigned long long)HANDOVER_BLOB);
	__atomic_store_n(&vm.handover, 1, __ATOMIC_SEQ_CST);
	cpu_send_event();
	wait_others_off(v);
	h->crc = crc32c((const uint8_t *)h, sizeof(*h));
	memcpy((void *)(uintptr_t)HANDOVER_TRAMP, upgrade_tramp,
	       (size_t)(upgrade_tramp_end - upgrade_tramp));
	upgrade_jump(HANDOVER_TRAMP, UPGRADE_STAGE, (fi->loaded + 15u) & ~UINT64_C(15), HANDOVER_DTB,
		     HANDOVER_BLOCK);
}

bool upgrade_run(struct vcpu *v, bool preloaded, uint64_t addr, bool no_state)
{
	struct fwimage_info fi;
	const char *bad;
	char why[160], what[200];
	size_t len, blob_len;
	unsigned int target;
	bool refused = false;
	uint64_t t0;

	if (v != &vm.vcpu[0]) {
		printf("regvisor: upgrade: error: the monitor runs on vCPU %u; upgrade from the boot "
		       "vCPU's (a break-in); nothing changed\n", v->index);
		return false;
	}
	if (no_state && !vm.handover_refused) {
		printf("regvisor: upgrade: error: no guest state to hand over: `load` one first; "
		       "nothing changed\n");
		return false;
	}
	if (preloaded) {
		len = take_preloaded(addr);
	} else {
		printf("regvisor: upgrade: send the framed firmware image (%s ... %s); Ctrl-C "
		       "cancels\n", FWIMAGE_BEGIN, FWIMAGE_END);
		len = monitor_read_frame(FWIMAGE_BEGIN, FWIMAGE_END, staging(), UPGRADE_STAGE_MAX,
					 "upgrade", "nothing changed");
	}
	if (!len)
		return false;
	bad = fwimage_check(staging(), len, UPGRADE_BASE - FW_LOAD_BASE, &fi, why, sizeof(why));
	if (bad) {
		snprintf(what, sizeof(what), "image: %s", bad);
		refuse(what);
		return false;
	}
	printf("regvisor: upgrade: image: version %u (handover contract %u), %u bytes, CRC-32C "
	       "0x%08x: checked\n", fi.version, fi.handover, (unsigned int)fi.loaded,
	       (unsigned int)fi.crc);
	if (!others_parked(v)) {
		refuse("a vCPU is not stopped");
		return false;
	}
	/* A newer image reads this version's blob; an older one gets what `save V` gives. */
	target = fi.version >= FW_VERSION ? 0 : fi.version;
	t0 = cpu_counter();
	if (vm.handover_refused && no_state) {
		/* The blob a handover brought and this firmware refused goes on as it came. */
		blob_len = vm.handover_blob_len;
		printf("regvisor: upgrade: the refused blob (%u bytes) goes on as it came\n",
		       (unsigned int)blob_len);
	} else {
		blob_len = vmstate_export(v, target, (uint8_t *)(uintptr_t)HANDOVER_BLOB,
					  HANDOVER_BLOB_MAX, "upgrade", &refused);
		if (!blob_len) {
			printf("regvisor: upgrade: refused, nothing changed; the guest stays on "
			       "version %d\n", FW_VERSION);
			return false;
		}
		vmstate_export_summary("upgrade", target, blob_len);
	}
	hand_over(v, &fi, blob_len, t0);
}

/* ---- The new image's side ---------------------------------------------------- */

static const struct handover *taken;
static bool took_directly;

const struct handover *handover_take(uint64_t addr, const char **why)
{
	const struct handover *h = (const struct handover *)(uintptr_t)HANDOVER_BLOCK;
	struct handover copy;

	*why = NULL;
	if (!addr)
		return NULL;
	if (addr != HANDOVER_BLOCK)
		*why = "not where the handover block lies";
	else if (h->magic != HANDOVER_MAGIC || h->size != sizeof(*h))
		*why = "no handover block there (magic or size)";
	else if (h->contract != FWIMAGE_HANDOVER)
		*why = "another handover contract";
	if (*why)
		return NULL;
	copy = *h;
	copy.crc = 0;
	if (crc32c((const uint8_t *)&copy, sizeof(copy)) != h->crc)
		*why = "its CRC-32C does not match";
	else if (!h->nvcpus || h->nvcpus > RV_MAX_CPUS || h->blob != HANDOVER_BLOB ||
		 h->blob_len > HANDOVER_BLOB_MAX || h->dtb != HANDOVER_DTB ||
		 h->dtb_len > HANDOVER_DTB_MAX)
		*why = "a length or an address out of bounds";
	if (*why)
		return NULL;
	taken = h;
	return h;
}

bool upgrade_import(struct vcpu *v)
{
	const struct handover *h = taken;
	bool loaded;

	vcpu_time_stop(v);
	if (h->nvcpus != vm.nvcpus)
		printf("regvisor: handover: error: the old firmware ran %u vCPUs, this one has %u\n",
		       h->nvcpus, vm.nvcpus);
	else if (vmstate_load(v, (const uint8_t *)(uintptr_t)h->blob, h->blob_len, false)) {
		vcpu_time_resume(v);
		took_directly = true;
		return true;
	}
	printf("regvisor: handover: error: version %d refused the blob of version %u; the guest "
	       "stays stopped here, nothing lost: `save` prints the blob as it came, `upgrade` "
	       "hands it on as it is (back to version %u, say), `load` takes another\n",
	       FW_VERSION, h->from_version, h->from_version);
	vm.handover_refused = true;
	vm.handover_blob_len = h->blob_len;
	loaded = monitor_run(v, "handover refused: every vCPU stopped", true);
	vm.handover_refused = false;
	return loaded;
}

void upgrade_print_refused_blob(void)
{
	printf("regvisor: save: the blob the upgrade brought, as it came (%u bytes, refused "
	       "here)\n", (unsigned int)vm.handover_blob_len);
	vmstate_frame_print((const uint8_t *)(uintptr_t)HANDOVER_BLOB, vm.handover_blob_len);
}

void upgrade_report(void)
{
	uint64_t ticks, ns, freq = cpu_counter_frequency();

	if (!taken || !took_directly || !freq)
		return;
	ticks = cpu_counter() - taken->t_stop;
	ns = ticks * (UINT64_C(1000000000) / freq);
	printf("regvisor: upgrade: version %d runs the guest: %llu.%03llu ms from the old "
	       "firmware's export to the guest's next instruction (%llu counter ticks)\n",
	       FW_VERSION, (unsigned long long)(ns / 1000000),
	       (unsigned long long)(ns / 1000 % 1000), (unsigned long long)ticks);
	took_directly = false;
}
