/* SPDX-License-Identifier: MIT */
/*
 * The SHA-NI bound beside sha256d in `make bench`: how fast one thread could
 * hash sha256d if it did nothing but the sha256rnds2 instructions it needs.
 * Times a loop of independent sha256rnds2 chains (enough of them to cover
 * the instruction's latency, so the loop measures its throughput) on thread
 * CPU time, and divides by the instructions per nonce of sha256d_shani.c:
 * rounds 2..63 of the header's second block and rounds 0..61 of the second
 * hash, two rounds each, 62 in all. Prints one line; exits 0 without SHA-NI.
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#include "cpu.h"

/* Independent chains in flight; latency (about 4 cycles) over throughput (about 2) and spare. */
#define SHANI_BOUND_CHAINS 8
#define SHANI_BOUND_ROUNDS2 (50 * 1000 * 1000L)
#define SHANI_BOUND_PER_NONCE 62

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds per sha256rnds2, issued SHANI_BOUND_CHAINS at a time. */
__attribute__((target("sha,sse4.1"))) static double shani_bound_rnds2_s(void)
{
	__m128i state[SHANI_BOUND_CHAINS];
	const __m128i other = _mm_set1_epi32(0x6a09e667), wk = _mm_set1_epi32(0x428a2f98);

	for (int c = 0; c < SHANI_BOUND_CHAINS; c++)
		state[c] = _mm_set1_epi32(c);
	double start = thread_cpu_s();
	for (long i = 0; i < SHANI_BOUND_ROUNDS2 / SHANI_BOUND_CHAINS; i++) {
#pragma GCC unroll 8
		for (int c = 0; c < SHANI_BOUND_CHAINS; c++)
			state[c] = _mm_sha256rnds2_epu32(state[c], other, wk);
	}
	double seconds = thread_cpu_s() - start;
	/* Keep the chains live: their result decides nothing but must be computed. */
	__m128i sum = state[0];
	for (int c = 1; c < SHANI_BOUND_CHAINS; c++)
		sum = _mm_xor_si128(sum, state[c]);
	__asm__ volatile("" : : "x"(sum));
	return seconds / SHANI_BOUND_ROUNDS2;
}

int main(void)
{
	if (!(cpu_features() & CPU_SHA)) {
		printf("SHA-NI bound: this CPU has no SHA extensions\n");
		return 0;
	}
	double best = 1.0;
	/* The best of three: on a shared machine, a slow pass is someone else's load. */
	for (int pass = 0; pass < 3; pass++) {
		double s = shani_bound_rnds2_s();
		best = s < best ? s : best;
	}
	printf("SHA-NI bound: sha256rnds2 every %.3f ns, %d per nonce: %.1f MH/s per thread\n",
	       best * 1e9, SHANI_BOUND_PER_NONCE, 1e-6 / (best * SHANI_BOUND_PER_NONCE));
	return 0;
}
