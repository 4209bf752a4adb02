/* state.h: the shared state of this small multi-threaded program. The only
 * ftmb-specific thing in the project is the __ftmb_shared annotation. */
#ifndef STATE_H
#define STATE_H
#include <ftmb.h>
#include <pthread.h>

#define N_BUCKETS 8

extern __ftmb_shared long total_packets;
extern __ftmb_shared long buckets[N_BUCKETS];
extern __ftmb_shared pthread_mutex_t state_lock;

struct __ftmb_shared flow {
	unsigned id;
	long bytes;
};
extern struct flow flows[4];

void state_account(unsigned flow_id, long bytes);
long state_total(void);
#endif
