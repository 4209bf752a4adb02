#include <ftmb.h>
extern __ftmb_shared int sub_value;
