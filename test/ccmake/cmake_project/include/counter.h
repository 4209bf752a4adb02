#include <ftmb.h>
extern __ftmb_shared long counter;
void count(void);
