#include "counter.h"
long get(void) { count(); return counter; }
