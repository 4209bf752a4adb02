/*
 * ftmb_ckpt.h: taking a checkpoint of this process's middlebox state and
 * restoring one (SPEC §5), on top of libftmb_core's state API
 * (ftmb_state.h: arena, registered globals, descriptors' counters, RNG
 * seed; ftmb_core.h: MAX[c]).
 *
 * Theory of operation
 * -------------------
 * Capture (Redis BGSAVE style). The host stops every core at a packet
 * boundary (its quiesce barrier), then calls ftmb_ckpt_fork(). fork()
 * gives the child a copy-on-write snapshot of the whole address space at
 * that instant, so the stop lasts only as long as fork() itself (copying
 * page tables, not pages); the parent resumes the cores at once. The child
 * alone reads its frozen copy: per-core MAX[c], every descriptor's
 * counter, the RNG seed, each registered global's bytes, the arena's used
 * bytes (allocator metadata included, so the heap is copied whole), and
 * writes the image (ftmb_ckpt_format.h) into the given descriptor (the
 * socket to the backup), then _exit()s. Correct because nothing in the
 * child's snapshot can change after fork (only the child runs there), and
 * every core was at a packet boundary, so the snapshot is the state after
 * exactly the packets listed in the per-core metadata.
 *
 * Restore, into a fresh process of the same binary: the registry
 * fingerprint must match (same globals, same sizes); the arena is mapped
 * at the address recorded in the image and its used bytes copied back;
 * each global is found by stable id and its bytes copied; every
 * descriptor's counter is set (object descriptors re-created). Then
 * ftmb_ckpt_restore_cores() initialises the cores in the wanted mode with
 * the checkpoint's seed and MAX[c], so stream positions continue.
 */
#ifndef FTMB_CKPT_H
#define FTMB_CKPT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ftmb_ckpt_format.h"
#include "ftmb_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the host knows about each core at the quiesced point. */
struct ftmb_ckpt_info {
	uint64_t seq;
	uint64_t watermark;          /* every input id <= this was processed */
	unsigned n_cores;            /* = ftmb_core_count()                  */
	const uint64_t *last_pkt_id; /* per core                             */
	const uint64_t *pkts;        /* per core, packets processed          */
};

/* Registry fingerprint of this binary (ids and sizes of the globals). */
uint64_t ftmb_ckpt_fingerprint(void);

/* Build a source over the live state (no copy). The arrays are malloc'd
 * into *bufs; release with ftmb_ckpt_source_free. 0, or -1 + err. Cores
 * must be stopped while the source is in use. */
struct ftmb_ckpt_bufs {
	struct ftmb_ckpt_core *cores;
	struct ftmb_ckpt_var *vars;
	struct ftmb_ckpt_region *globals;
};
int ftmb_ckpt_collect(const struct ftmb_ckpt_info *info, struct ftmb_ckpt_source *src,
		      struct ftmb_ckpt_bufs *bufs, char *err, size_t errlen);
void ftmb_ckpt_source_free(struct ftmb_ckpt_bufs *bufs);

/* Write a checkpoint of the live state to fd synchronously (cores
 * stopped for the whole copy: the baseline the fork is compared with). */
int ftmb_ckpt_write_now(int fd, const struct ftmb_ckpt_info *info, char *err, size_t errlen);

/* Fork a child that writes the checkpoint to fd and exits (status 0 on
 * success). Returns the child's pid (parent: resume the cores now), or -1.
 * *fork_ns = time spent in fork() (the stop it adds). throttle_us > 0
 * makes the child sleep that long after every MiB (tests: widen the
 * window in which a checkpoint is in flight). */
pid_t ftmb_ckpt_fork(int fd, const struct ftmb_ckpt_info *info, uint64_t *fork_ns,
		     unsigned throttle_us);

/* Restore the state from a validated image. 0, or -1 + err (nothing is
 * half-restored unless the failure is in the copy itself). */
int ftmb_ckpt_restore(const struct ftmb_ckpt_view *v, char *err, size_t errlen);
/* ftmb_core_init(n_cores, seed, mode) and MAX[c] from the image. */
int ftmb_ckpt_restore_cores(const struct ftmb_ckpt_view *v, enum ftmb_mode mode);

/* CRC32-C over the registered globals and the arena's used bytes: two
 * processes with equal digests hold byte-identical middlebox state. */
uint32_t ftmb_ckpt_state_digest(void);

uint64_t ftmb_ckpt_now_ns(int clock_id);

/* Advise transparent huge pages on the arena (MADV_HUGEPAGE): fork() then
 * copies one page-table entry per 2 MiB instead of 512, which is what
 * keeps the checkpoint stop under 1 ms for tens of MB (bench/recovery.sh
 * measures both). The price: the first write to a huge page after a fork
 * copies 2 MiB instead of 4 KiB. 0, or -1 (arena not mapped / refused). */
int ftmb_ckpt_arena_hugepages(void);

/* In a DPDK process (after rte_eal_init): mark every EAL memseg list
 * MADV_DONTFORK so checkpoint forks neither copy its page tables nor see
 * it (it is not middlebox state). Returns the bytes of address space
 * marked, or -1. */
long long ftmb_ckpt_dpdk_exclude(void);

#ifdef __cplusplus
}
#endif
#endif /* FTMB_CKPT_H */
