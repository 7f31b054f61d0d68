/* Parsing regvisor.* boot arguments into a configuration. */
#include <stdio.h>
#include <string.h>

#include "sysreg/bootargs.h"

#define NAME_MAX_LEN	48

void config_defaults(struct rv_config *c)
{
	memset(c, 0, sizeof(*c));
	c->cpu_version = FW_VERSION;
	c->world_version = FW_VERSION;
	c->load_timeout = 30;
	c->breakin = CONFIG_BREAKIN_DEFAULT;
}

int sysreg_lookup_user(const char *s, size_t len)
{
	char name[NAME_MAX_LEN];
	uint64_t id;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_u64(s, len, &id) ? sysreg_find_by_id(id) : -1;
	if (len == 0 || len >= sizeof(name))
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	return sysreg_find_by_name(name);
}

/* One item of a comma-separated value, v[0..len); returns the errors it reported. */
typedef unsigned int config_item_fn(struct rv_config *c, const char *v, size_t len,
				    const char *origin);

static unsigned int config_list(struct rv_config *c, const char *v, size_t len,
				const char *origin, config_item_fn *item)
{
	unsigned int errors = 0;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && v[i] != ',')
			continue;
		if (i > start)
			errors += item(c, v + start, i - start, origin);
		start = i + 1;
	}
	return errors;
}

static unsigned int hide_item(struct rv_config *c, const char *v, size_t len, const char *origin)
{
	int idx = sysreg_lookup_user(v, len);

	if (idx < 0) {
		printf("regvisor: %s: error: regvisor.hide: unknown register '%.*s', ignored\n",
		       origin, (int)len, v);
		return 1;
	}
	if (sysreg_table[idx].cls == ID) {
		printf("regvisor: %s: error: regvisor.hide: %s is an ID register: the guest's CPU "
		       "always travels (use regvisor.cpu), ignored\n", origin, sysreg_table[idx].name);
		return 1;
	}
	sysreg_mask_set(&c->hide, (unsigned int)idx);
	return 0;
}

/* Ids an import may drop though the blob does not mark them droppable. */
static unsigned int tolerate_item(struct rv_config *c, const char *v, size_t len,
				  const char *origin)
{
	uint64_t id;

	if (!parse_u64(v, len, &id) || !id) {
		printf("regvisor: %s: error: regvisor.tolerate: '%.*s' is not a KVM id, ignored\n",
		       origin, (int)len, v);
		return 1;
	}
	if (c->ntolerate == CONFIG_TOLERATE_MAX) {
		printf("regvisor: %s: error: regvisor.tolerate: more than %d ids, '%.*s' ignored\n",
		       origin, CONFIG_TOLERATE_MAX, (int)len, v);
		return 1;
	}
	c->tolerate[c->ntolerate++] = id;
	return 0;
}

static bool config_version(const char *v, size_t len, unsigned int *out)
{
	uint64_t n;

	if (!parse_u64(v, len, &n) || n < 1 || n > FW_VERSION)
		return false;
	*out = (unsigned int)n;
	return true;
}

/* Arguments that turn one setting on or off: key=value, once each. */
struct config_switch {
	const char *key, *val;
	size_t field;		/* the bool in struct rv_config */
	bool on;
	bool also;		/* and clear also_field */
	size_t also_field;
};

#define SWITCH(k, v, f, on_) { k, v, offsetof(struct rv_config, f), on_, false, 0 }
static const struct config_switch switches[] = {
	SWITCH("regvisor.incoming", "uart", incoming, true),
	SWITCH("regvisor.checkpoint", "save", checkpoint_save, true),
	SWITCH("regvisor.checkpoint", "cycle", checkpoint_cycle, true),
	{ "regvisor.checkpoint", "monitor", offsetof(struct rv_config, checkpoint_save), false,
	  true, offsetof(struct rv_config, checkpoint_cycle) },
	SWITCH("regvisor.onfault", "monitor", fault_monitor, true),
	SWITCH("regvisor.bench", "1", bench, true),
	SWITCH("regvisor.fault", "el2", fault_el2, true),
	SWITCH("regvisor.fault", "stack", fault_stack, true),
	SWITCH("regvisor.dumpdtb", "1", dump_dtb, true),
	SWITCH("regvisor.traplog", "1", traplog, true),
};
#undef SWITCH

/*
 * A bad guest location is not ignored: booting without the image or initrd
 * the user named would start the wrong guest. One line says so, and the
 * loader refuses to start any (guest_args_bad).
 */
static unsigned int config_guest_bad(struct rv_config *c, const char *key, size_t klen,
				     const char *v, size_t vlen, const char *origin,
				     const char *want)
{
	printf("regvisor: %s: error: %.*s=%.*s: want %s; the guest is not started\n", origin,
	       (int)klen, key, (int)vlen, v, want);
	c->guest_args_bad = true;
	return 1;
}

/* regvisor.guest=ADDR */
static unsigned int config_guest(struct rv_config *c, const char *key, size_t klen,
				 const char *v, size_t len, const char *origin)
{
	uint64_t addr;

	if (!parse_u64(v, len, &addr) || !addr)
		return config_guest_bad(c, key, klen, v, len, origin,
					"ADDR (0x... or decimal, not 0)");
	c->guest_addr = addr;
	return 0;
}

/* regvisor.initrd=ADDR,SIZE */
static unsigned int config_initrd(struct rv_config *c, const char *key, size_t klen,
				  const char *v, size_t len, const char *origin)
{
	const char *comma = memchr(v, ',', len);
	uint64_t addr, size;

	if (!comma || !parse_u64(v, (size_t)(comma - v), &addr) ||
	    !parse_u64(comma + 1, len - (size_t)(comma - v) - 1, &size) || !size ||
	    addr + size < addr)
		return config_guest_bad(c, key, klen, v, len, origin,
					"ADDR,SIZE (size not 0, no wrap)");
	c->initrd_addr = addr;
	c->initrd_size = size;
	return 0;
}

static unsigned int config_item(struct rv_config *c, const char *key, size_t klen,
				const char *v, size_t vlen, const char *origin)
{
	unsigned int ver;
	uint64_t n;

#define KEY_IS(k) (klen == sizeof(k) - 1 && !memcmp(key, k, klen))
	if (KEY_IS("regvisor.hide"))
		return config_list(c, v, vlen, origin, hide_item);
	if (KEY_IS("regvisor.tolerate"))
		return config_list(c, v, vlen, origin, tolerate_item);
	if (KEY_IS("regvisor.cpu") && config_version(v, vlen, &ver)) {
		c->cpu_version = ver;
		return 0;
	}
	if (KEY_IS("regvisor.compat") && config_version(v, vlen, &ver)) {
		c->world_version = ver;
		if (c->cpu_version > ver)
			c->cpu_version = ver;
		return 0;
	}
	if (KEY_IS("regvisor.bmap2") && FW_VERSION >= 2 && parse_u64(v, vlen, &n)) {
		c->bmap2 = n;
		return 0;
	}
	if (KEY_IS("regvisor.guestarg") && parse_u64(v, vlen, &n)) {
		c->guestarg = n;
		return 0;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(switches); i++) {
		const struct config_switch *sw = &switches[i];

		if (klen == strlen(sw->key) && !memcmp(key, sw->key, klen) &&
		    vlen == strlen(sw->val) && !memcmp(v, sw->val, vlen)) {
			*(bool *)((char *)c + sw->field) = sw->on;
			if (sw->also)
				*(bool *)((char *)c + sw->also_field) = false;
			return 0;
		}
	}
	if (KEY_IS("regvisor.guest"))
		return config_guest(c, key, klen, v, vlen, origin);
	if (KEY_IS("regvisor.initrd"))
		return config_initrd(c, key, klen, v, vlen, origin);
	if (KEY_IS("regvisor.breakin") && vlen == 3 && memcmp(v, "off", 3) == 0) {
		c->breakin = -1;
		return 0;
	}
	if (KEY_IS("regvisor.breakin") && parse_u64(v, vlen, &n) && n >= 1 && n <= 0x7f) {
		c->breakin = (int)n;
		return 0;
	}
	/* 0: wait for ever (until the blob, or Ctrl-C). */
	if (KEY_IS("regvisor.load_timeout") && parse_u64(v, vlen, &n) && n <= 3600) {
		c->load_timeout = (unsigned int)n;
		return 0;
	}
#undef KEY_IS
	printf("regvisor: %s: error: bad argument '%.*s=%.*s', ignored\n", origin,
	       (int)klen, key, (int)vlen, v);
	return 1;
}

unsigned int config_finish(struct rv_config *c)
{
	unsigned int errors = 0;

	if (c->cpu_version > c->world_version) {
		printf("regvisor: bootargs: error: regvisor.cpu=%u is newer than regvisor.compat=%u; "
		       "using cpu=%u\n", c->cpu_version, c->world_version, c->world_version);
		c->cpu_version = c->world_version;
		errors++;
	}
#if FW_VERSION >= 2
	if (c->bmap2 && c->world_version < sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].since) {
		printf("regvisor: bootargs: error: regvisor.bmap2 has no meaning in world v%u "
		       "(regvisor.compat), ignored\n", c->world_version);
		c->bmap2 = 0;
		errors++;
	}
	if (c->bmap2 & ~sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].wmask) {
		printf("regvisor: bootargs: error: regvisor.bmap2=0x%llx names services this "
		       "firmware lacks (it has 0x%llx), those bits ignored\n",
		       (unsigned long long)c->bmap2,
		       (unsigned long long)sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].wmask);
		c->bmap2 &= sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].wmask;
		errors++;
	}
#endif
	return errors;
}

#define CONFIG_TOKEN_IS(t, n, k) ((n) == sizeof(k) - 1 && !memcmp(t, k, n))

unsigned int config_parse(struct rv_config *c, const char *args, const char *origin)
{
	unsigned int errors = 0;
	const char *p = args;

	while (*p) {
		const char *tok, *eq;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		len = (size_t)(p - tok);
		if (len < 9 || memcmp(tok, "regvisor.", 9) != 0)
			continue;	/* someone else's argument */
		eq = memchr(tok, '=', len);
		if (!eq && (CONFIG_TOKEN_IS(tok, len, "regvisor.guest") ||
			    CONFIG_TOKEN_IS(tok, len, "regvisor.initrd"))) {
			errors += config_item(c, tok, len, tok + len, 0, origin);
			continue;
		}
		if (!eq) {
			printf("regvisor: %s: error: '%.*s' needs a value, ignored\n", origin,
			       (int)len, tok);
			errors++;
			continue;
		}
		errors += config_item(c, tok, (size_t)(eq - tok), eq + 1,
				      len - (size_t)(eq - tok) - 1, origin);
	}
	return errors;
}
