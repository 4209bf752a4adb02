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
 * Also here, dp_memif_watch: a memif client's link that stays down gets a
 * warning (DPDK 22.11's client never reconnects by itself).
 * Scope: the wait is on only in the process that set up a memif port (a
 * forked checkpoint child unmaps at once), skips the caller's own slot,
 * and gives up after 2 s with an error (a thread stuck in a burst must not
 * hang the process). Other ports pay one predictable branch per burst.
 *
 * Closing. The same interrupt thread handles a peer's departure
 * (memif_intr_handler -> memif_disconnect), and that handler writes to the
 * port's queues. A role that stops closes its ports; if its main thread
 * closed a memif port while the handler ran (the peer stopping at the same
 * moment), the close would free the queues under the handler, and
 * rte_eal_cleanup would then unmap DPDK's memory under it: the master of
 * pipeline_memif_fwd died of that in CI. So memif ports are closed on the
 * interrupt thread itself (dp_memif_close_and_park: the callback of an
 * interrupt source of ours, an eventfd), where no handler can run at the
 * same time. The callback then stays there, parked, until the process
 * exits: DPDK 22.11's rte_eal_cleanup unmaps DPDK's memory without
 * stopping the interrupt thread, which reads its interrupt sources (in
 * that memory) on every wake-up; a parked thread reads nothing. The main
 * thread waits for the close; if the interrupt thread has not taken it
 * after 5 s, the main thread claims it (one compare-and-swap decides) and
 * closes the ports itself. test/pipeline/t_memif_stop.sh stops the three roles at once,
 * round after round, with FTMB_FAULT_MEMIF_UNMAP_DELAY_US widening the
 * window (the master died in round 1 or 2 without this close).
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_intr_instance_alloc, rte_intr_fd_set */
#include "dp.h"

#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>

#include <sched.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
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

/* fault injection (tests only): the interrupt thread's unmaps, the PMD's
 * handling of a departed peer, last this much longer */
static unsigned unmap_delay_us;

/* memif client ports, watched by dp_memif_watch */
static struct {
	bool client;
	bool warned;
	uint64_t down_since; /* TSC; 0: the link is up */
} watch[RTE_MAX_ETHPORTS];
static uint64_t next_watch;

void dp_memif_guard_port(uint16_t port)
{
	const char *d = getenv("FTMB_FAULT_MEMIF_UNMAP_DELAY_US");
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;

	if (port >= RTE_MAX_ETHPORTS)
		return;
	if (d)
		unmap_delay_us = (unsigned)strtoul(d, NULL, 10);
	if (rte_eth_dev_info_get(port, &info) == 0 && info.device &&
	    (da = rte_dev_devargs(info.device)) != NULL && da->args &&
	    strstr(da->args, "role=client"))
		watch[port].client = true;
	dp_port_guarded[port] = true;
	__atomic_store_n(&guard_pid, getpid(), __ATOMIC_RELEASE);
}

/* A memif client whose link stays down is stuck: DPDK 22.11's client
 * connects only when its port starts, so a server that refused it (its
 * port not started yet) or went away is never tried again. Say so. */
void dp_memif_watch(uint64_t now_tsc)
{
	if (likely(now_tsc < next_watch) || !guard_pid)
		return;
	next_watch = now_tsc + dp_tsc_hz / 4;
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++) {
		struct rte_eth_link link;

		if (!watch[p].client || rte_eth_link_get_nowait(p, &link) != 0)
			continue;
		if (link.link_status == RTE_ETH_LINK_UP) {
			watch[p].down_since = 0;
			watch[p].warned = false;
		} else if (!watch[p].down_since) {
			watch[p].down_since = now_tsc;
		} else if (!watch[p].warned && now_tsc - watch[p].down_since > 2 * dp_tsc_hz) {
			watch[p].warned = true;
			DP_LOG(WARNING, "port %u: memif client link down for 2 s: its server "
			       "refused it or went away, and a DPDK 22.11 memif client does not "
			       "reconnect; restart this role once its server has started its "
			       "port (the master logs 'ports started')\n", p);
		}
	}
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

	if (p && p == getpid()) {
		wait_no_burst();
		if (unlikely(unmap_delay_us) && rte_lcore_id() == LCORE_ID_ANY)
			usleep(unmap_delay_us);
	}
	return (int)syscall(SYS_munmap, addr, len);
}

/* state of the close on the interrupt thread */
enum { CLOSE_PENDING, CLOSE_RUNNING, CLOSE_DONE, CLOSE_ABANDONED };
static int close_state = CLOSE_PENDING;
static void (*close_fn)(void);
static int close_efd = -1;

static void close_and_park(void *arg)
{
	int pending = CLOSE_PENDING;
	eventfd_t v;

	(void)arg;
	(void)eventfd_read(close_efd, &v); /* an EXT source reads its own fd */
	if (!__atomic_compare_exchange_n(&close_state, &pending, CLOSE_RUNNING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return; /* the main thread gave up waiting and closed them itself */
	close_fn();
	__atomic_store_n(&close_state, CLOSE_DONE, __ATOMIC_RELEASE);
	for (;;)
		pause(); /* parked until the process exits */
}

bool dp_memif_close_and_park(void (*fn)(void))
{
	/* an interrupt source of our own (not an EAL alarm: rte_eal_cleanup
	 * waits for the alarm source's callback to return, which never comes) */
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	int pending = CLOSE_PENDING;

	close_fn = fn;
	close_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!h || close_efd < 0 || rte_intr_fd_set(h, close_efd) != 0 ||
	    rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_callback_register(h, close_and_park, NULL) != 0) {
		DP_LOG(WARNING, "memif: cannot reach the interrupt thread; closing the "
		       "ports from the main thread\n");
		return false; /* h and the fd are left to the exit */
	}
	if (eventfd_write(close_efd, 1) != 0)
		return false;
	for (int ms = 0; ms < 5000; ms++) {
		if (__atomic_load_n(&close_state, __ATOMIC_ACQUIRE) != CLOSE_PENDING)
			break;
		usleep(1000);
	}
	if (__atomic_compare_exchange_n(&close_state, &pending, CLOSE_ABANDONED, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		DP_LOG(ERR, "memif: the interrupt thread did not take the port close "
		       "in 5 s; closing from the main thread\n");
		return false;
	}
	while (__atomic_load_n(&close_state, __ATOMIC_ACQUIRE) != CLOSE_DONE)
		usleep(1000); /* running: bounded by the PMD's close */
	return true;
}
