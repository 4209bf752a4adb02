#include <ftmb.h>
extern long hits __ftmb_shared;
