#include <sub.h>
int f(void) { return sub_value + NVAL; }
