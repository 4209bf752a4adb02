/*
 * dp_memif_guard.c: a role survives the death or the stop of its memif peer.
 *
 * The problem. DPDK 22.11's memif PMD copies packets into and out of
 * memory it shares with the peer process. When the peer goes away (killed,
 * or stopped with SIGTERM), the EAL interrupt thread runs the PMD's
 * disconnect: it clears the port's "connected" flag and then unmaps that
 * memory (memif_disconnect -> memif_free_regions -> munmap). An lcore that
 * checked the flag a moment earlier may still be inside rte_eth_rx_burst
 * or rte_eth_tx_burst, reading or writing that memory: SIGSEGV. On a CPU
 * that the lcore shares with the interrupt thread, the lcore need only be
 * preempted inside a burst. test/pipeline/t_memif_peers.sh made the master
 * crash within a few peer stops out of 15 before this file existed.
 *
 * Theory of operation. Nothing in the PMD tells the application before it
 * unmaps, so the guard stands where the unmapping happens:
 *  - every rx/tx burst on a memif port (dp_rx_burst, dp_tx_burst in dp.h)
 *    is bracketed by a count in a slot of its thread: an atomic increment
 *    (a full barrier on x86) before the burst, a decrement after it;
 *  - this file defines munmap, which the executable exports
 *    (--export-dynamic-symbol=munmap, runtime/dpdk/CMakeLists.txt), so the
 *    PMD's call reaches it before libc's; it waits until every other
 *    thread's slot reads zero, then unmaps (the system call itself).
 * Why that suffices (Dekker's argument). The burst thread writes its slot,
 * then (after the barrier) the PMD reads the connected flag. The
 * interrupt thread clears the flag, passes full barriers (the PMD's
 * spinlock, the fence below), then reads the slots. Both cannot read the
 * old value: either the burst sees "disconnected" and returns without
 * touching the shared memory, or munmap sees the burst and waits for its
 * end. A burst that begins after munmap read the slots sees the cleared
 * flag. Region descriptors freed after the unmap are read by a later
 * burst only before its flag check, and only from heap memory that stays
 * mapped.
 * Scope: the wait is on only in the process that set up a memif port (a
 * forked checkpoint child unmaps at once), skips the caller's own slot,
 * and gives up after 2 s with an error (a thread stuck in a burst must not
 * hang the process). Other ports pay one predictable branch per burst.
 */
#define _GNU_SOURCE
#include "dp.h"

#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

bool dp_port_guarded[RTE_MAX_ETHPORTS];

#define GUARD_SLOTS 64 /* threads that burst on memif ports; more share the last */
struct guard_slot {
	uint32_t in_burst;
} __rte_cache_aligned;

static struct guard_slot slots[GUARD_SLOTS];
static uint32_t n_slots;
static pid_t guard_pid; /* 0: no memif port in this process */
static __thread struct guard_slot *my_slot;

void dp_memif_guard_port(uint16_t port)
{
	if (port >= RTE_MAX_ETHPORTS)
		return;
	dp_port_guarded[port] = true;
	__atomic_store_n(&guard_pid, getpid(), __ATOMIC_RELEASE);
}

struct guard_slot *dp_guard_enter(void)
{
	struct guard_slot *s = my_slot;

	if (unlikely(!s)) {
		uint32_t i = __atomic_fetch_add(&n_slots, 1, __ATOMIC_RELAXED);
		s = my_slot = &slots[i < GUARD_SLOTS ? i : GUARD_SLOTS - 1];
	}
	__atomic_fetch_add(&s->in_burst, 1, __ATOMIC_SEQ_CST);
	return s;
}

void dp_guard_exit(struct guard_slot *s)
{
	__atomic_fetch_sub(&s->in_burst, 1, __ATOMIC_RELEASE);
}

/* Wait until no other thread is inside a guarded burst (at most 2 s). */
static void wait_no_burst(void)
{
	uint32_t n = RTE_MIN(__atomic_load_n(&n_slots, __ATOMIC_ACQUIRE), (uint32_t)GUARD_SLOTS);
	struct timespec t0, t;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < n; i++) {
		unsigned spins = 0;

		if (&slots[i] == my_slot)
			continue;
		while (__atomic_load_n(&slots[i].in_burst, __ATOMIC_ACQUIRE)) {
			if (++spins < 64) { /* a burst lasts microseconds */
				rte_pause();
				continue;
			}
			sched_yield(); /* the burst's thread may need this CPU */
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec >= 2) {
				DP_LOG(ERR, "memif guard: a thread stayed inside a burst for 2 s; "
				       "unmapping anyway\n");
				return;
			}
		}
	}
}

int munmap(void *addr, size_t len)
{
	pid_t p = __atomic_load_n(&guard_pid, __ATOMIC_ACQUIRE);

	if (p && p == getpid())
		wait_no_burst();
	return (int)syscall(SYS_munmap, addr, len);
}
