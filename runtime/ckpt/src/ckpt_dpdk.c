/*
 * ckpt_dpdk.c: keep DPDK's memory out of checkpoint forks.
 *
 * A DPDK process holds hundreds of MB of EAL memory (mbuf pools, rings,
 * rte_malloc heaps); with --no-huge it is ordinary anonymous memory, and
 * fork() would copy a page-table entry for every touched 4 KiB of it,
 * which is most of a checkpoint's stop. None of it is middlebox state (the
 * state is the registered globals and the ftmb arena), and the checkpoint
 * child never touches it, so every memseg list is marked MADV_DONTFORK:
 * absent from the child, untouched in the parent. Correct because the
 * child only reads the arena, the globals (pointer values into DPDK memory
 * are copied as values, never followed) and libftmb_core's descriptors.
 */
#include <errno.h>
#include <sys/mman.h>

#include <rte_memory.h>

#include "ftmb_ckpt.h"

static int exclude_list(const struct rte_memseg_list *msl, void *arg)
{
	size_t *bytes = arg;

	if (msl->base_va == NULL || msl->len == 0)
		return 0;
	/* The list reserves address space that is only partly mapped: madvise
	 * reports ENOMEM for the holes but marks every mapped page. */
	if (madvise(msl->base_va, msl->len, MADV_DONTFORK) == 0 || errno == ENOMEM)
		*bytes += msl->len;
	return 0;
}

long long ftmb_ckpt_dpdk_exclude(void)
{
	size_t bytes = 0;

	if (rte_memseg_list_walk(exclude_list, &bytes) < 0)
		return -1;
	return (long long)bytes;
}
