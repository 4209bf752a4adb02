#include "counter.h"
long counter;
void count(void) { counter += STEP; }
