#include "state.h"
#include "worker.h"

void *worker(void *arg)
{
	unsigned base = *(unsigned *)arg;
	for (unsigned i = 0; i < 1000; i++)
		state_account(base + i, (long)(i % 7) + 1);
	return 0;
}
