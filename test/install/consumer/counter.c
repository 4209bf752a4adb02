#include <stdio.h>
#include "counter.h"

long hits;

int main(void)
{
	for (int i = 0; i < 1000; i++)
		hits += i % 3;
	printf("hits=%ld\n", hits);
	return 0;
}
