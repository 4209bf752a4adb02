/* env_prog.c: a plain single-threaded program as ftmbcc would rewrite it,
 * run under FTMB_MODE=off|record|replay (see env_record_replay.sh). */
#include <stdint.h>
#include <stdio.h>

#include "ftmb.h"
#include "ftmb_core.h"

static uint64_t counter;
static ftmb_var_t v_counter = FTMB_VAR_INIT(0, "counter");

int main(void)
{
	v_counter.id = __ftmb_id("counter");
	struct ftmb_global g = { v_counter.id, "counter", &counter, sizeof(counter) };
	ftmb_var_t *const vars[] = { &v_counter };
	__ftmb_register_tu("env_prog.c", FTMB_ABI_VERSION, &g, 1, vars, 1);
	uint64_t sum = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t v = __ftmb_read8(&v_counter, &counter);
		__ftmb_write8(&v_counter, &counter, v + (uint64_t)(__ftmb_rand() % 10));
		uint64_t *p = __ftmb_malloc(16);
		sum += (uint64_t)(uintptr_t)p % 4096;
	}
	printf("mode=%d core=%d counter=%llu sum=%llu time=%ld pals=%llu\n", (int)ftmb_core_mode(),
	       ftmb_core_self(), (unsigned long long)counter, (unsigned long long)sum,
	       (long)__ftmb_time(NULL), (unsigned long long)ftmb_max(0));
	return 0;
}
