/* Parses with ftmbcc's flags, but fails to compile with -DBREAK. */
#include <ftmb.h>
__ftmb_shared int counter;
int helper(void)
{
	static int calls;
	return ++calls + counter;
}
int f(void)
{
#ifdef BREAK
	return counter + "not an int" * 2;
#else
	return counter;
#endif
}
