#include "state.h"

long total_packets;
long buckets[N_BUCKETS];
pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
struct flow flows[4];

void state_account(unsigned flow_id, long bytes)
{
	pthread_mutex_lock(&state_lock);
	total_packets++;
	buckets[flow_id % N_BUCKETS] += bytes;
	pthread_mutex_unlock(&state_lock);
	struct flow *f = &flows[flow_id % 4];
	pthread_mutex_lock(&state_lock);
	f->id = flow_id % 4;
	f->bytes += bytes;
	pthread_mutex_unlock(&state_lock);
}

long state_total(void)
{
	long sum = 0;
	for (int i = 0; i < N_BUCKETS; i++)
		sum += buckets[i];
	return sum;
}
