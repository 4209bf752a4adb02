/* harness_mb.c: the harness's calls into the middlebox (kept apart from
 * harness.c so that programs without a middlebox can use the rest). */
#include <stdarg.h>

#include "harness.h"

/* ---- init / process ---- */
int harness_init(unsigned n_cores, const char *name, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	va_start(ap, name);
	argv[argc++] = (char *)name;
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	/* Unbound: under ftmb this is the init path (no PALs). */
	return mb_init(argc, argv, n_cores);
}

int harness_process(unsigned core, int in_port, uint8_t *frame, uint16_t len)
{
	struct mb_pkt p = { frame, len, TGEN_MAX_FRAME, (uint16_t)in_port, (uint16_t)core };
	harness_bind_core(core);
	int v = mb_process(&p);
	harness_unbind_core();
	harness_set_last_verdict(v);
	return v;
}


void harness_tick(unsigned core, uint64_t now_ns)
{
	harness_bind_core(core);
	mb_tick(core, now_ns);
	harness_unbind_core();
}
