#include <ftmb.h>
#include <stdio.h>
__ftmb_shared long counter;
int main(void)
{
	for (int i = 0; i < 1000; i++)
		counter++;
	printf("counter=%ld\n", counter);
	return 0;
}
