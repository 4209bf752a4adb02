/* A macro defined in a header calling rand(): ftmbcc cannot edit it. */
#include <stdlib.h>
#define JITTER() (rand() % 8 + 1)
