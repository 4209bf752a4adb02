/*
 * dp_hooks.c: the generic hooks every role offers (ftmb_dp_hooks.h).
 */
#include "dp.h"
#include "ftmb_dp_hooks.h"

static dp_control_fn control_fn;
static void *control_arg;
static dp_ext_frame_fn ext_fn;
static void *ext_arg;
static uint64_t epoch_ns;

void dp_set_control_hook(dp_control_fn fn, void *arg)
{
	control_fn = fn;
	control_arg = arg;
}

void dp_set_ext_frame_hook(dp_ext_frame_fn fn, void *arg)
{
	ext_fn = fn;
	ext_arg = arg;
}

uint64_t dp_epoch(void)
{
	if (!epoch_ns)
		epoch_ns = dp_now_ns();
	return epoch_ns;
}

bool dp_has_control_hook(void)
{
	return control_fn != NULL;
}

unsigned dp_control_poll(uint64_t now_tsc)
{
	return control_fn ? control_fn(control_arg, now_tsc) : 0;
}

void dp_ext_frame(uint16_t port, struct rte_mbuf *m, const struct ftmb_wire_view *v)
{
	if (ext_fn) {
		ext_fn(ext_arg, port, m, v);
		return;
	}
	DP_INC(unexpected);
	DP_LOG_RL(WARNING, "extension frame type 0x%x on port %u and no hook: dropped\n",
		  v->type, port);
	rte_pktmbuf_free(m);
}
