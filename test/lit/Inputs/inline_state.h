/* A header whose inline helpers touch shared state. */
#include <ftmb.h>
extern __ftmb_shared long hits;
struct __ftmb_shared flow { long pkts; };
static inline void count_hit(void) { hits++; }
static inline void flow_bump(struct flow *f) { f->pkts++; }
static inline void bump_both(struct flow *f) { flow_bump(f); }
static inline long pure_helper(long a) { return a * 2; }
