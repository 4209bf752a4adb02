#include <stdio.h>
#include <stdlib.h>
#include "state.h"
#include "worker.h"

int main(void)
{
	pthread_t t[4];
	unsigned base[4];
	for (unsigned i = 0; i < 4; i++) {
		base[i] = i * 1000;
		if (pthread_create(&t[i], NULL, worker, &base[i]) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	long flow_bytes = 0;
	for (int i = 0; i < 4; i++)
		flow_bytes += flows[i].bytes;
	printf("packets=%ld bytes=%ld flow_bytes=%ld\n", total_packets, state_total(), flow_bytes);
	return 0;
}
