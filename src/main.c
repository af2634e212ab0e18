/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "algo.h"

int main(void)
{
	printf("%u algorithms\n", algo_count);
	return 0;
}
