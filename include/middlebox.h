/*
 * middlebox.h: the hosting interface. A middlebox is ordinary C that
 * implements the three mb_ functions below; a host (the unprotected
 * runner, or ftmb's master and backup) calls them. Nothing here knows
 * about fault tolerance: a middlebox becomes protected only by marking its
 * shared state __ftmb_shared in its headers and compiling with ftmbcc.
 *
 * Threading: mb_process and mb_tick run on n_cores cores at once. The host
 * spreads flows over cores with a deterministic flow hash, so all packets
 * of one flow (in one direction) meet the same core. State touched by more
 * than one core is shared state and must be marked.
 */
#ifndef MIDDLEBOX_H
#define MIDDLEBOX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ports: a middlebox sits between an inside and an outside network. */
enum mb_port { MB_PORT_INSIDE = 0, MB_PORT_OUTSIDE = 1 };

/* Verdict of mb_process: the port to send the packet out of, or drop. */
#define MB_DROP (-1)

struct mb_pkt {
	uint8_t *data;      /* Ethernet frame, may be modified in place       */
	uint16_t len;       /* frame length; may be changed, up to cap        */
	uint16_t cap;       /* bytes available at data                        */
	uint16_t in_port;   /* enum mb_port it arrived on                     */
	uint16_t core;      /* index of the core running it, 0..n_cores-1     */
};

/* Called once, before any traffic, with the middlebox's own arguments
 * (argv[0] is the middlebox name). Returns 0, or -1 after printing why. */
int mb_init(int argc, char **argv, unsigned n_cores);

/* Process one packet; returns an enum mb_port or MB_DROP. */
int mb_process(struct mb_pkt *pkt);

/* Periodic per-core tick for timers (expiry, token refill). now_ns is
 * the host's clock (in a protected run, the input logger's clock). */
void mb_tick(unsigned core, uint64_t now_ns);

/* Provided by the host: emit an extra frame (an alert, a log record) on
 * `port`. It is held and released like any other output of the packet
 * being processed. Returns 0, or -1 when it could not be queued. */
int mb_emit(unsigned core, int port, const void *frame, uint16_t len);

#ifdef __cplusplus
}
#endif
#endif /* MIDDLEBOX_H */
