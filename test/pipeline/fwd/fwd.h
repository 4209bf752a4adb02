/*
 * fwd.h: the pipeline tests' middlebox: a forwarder with shared counters.
 * fwd_packets and fwd_bytes are touched by every core (shared state, so
 * every packet makes two PALs); the per-flow sequence numbers are per-core
 * local state (a flow always meets the same core).
 */
#ifndef FWD_H
#define FWD_H

#include <stdint.h>

#include "ftmb.h"

extern uint64_t fwd_packets __ftmb_shared;
extern uint64_t fwd_bytes __ftmb_shared;
extern uint64_t fwd_ticks __ftmb_shared;

#endif
