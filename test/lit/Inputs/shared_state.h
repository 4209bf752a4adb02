/* A header of shared state, as middlebox authors write it. */
#ifndef SHARED_STATE_H
#define SHARED_STATE_H
#include <ftmb.h>
extern __ftmb_shared long packets;
extern __ftmb_shared int table[16];
struct counters { long in, out; };
extern __ftmb_shared struct counters ctr;
#endif
