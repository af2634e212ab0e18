/* SPDX-License-Identifier: MIT */
#ifndef QM_CPU_H
#define QM_CPU_H

/*
 * CPU feature detection: CPUID for what the processor offers, XGETBV for
 * what the operating system saves on a context switch (AVX and AVX-512
 * state). Knows nothing of algorithms.
 */

enum cpu_flags {
	CPU_SSE2     = 1u << 0,
	CPU_SSSE3    = 1u << 1,
	CPU_SSE41    = 1u << 2,
	CPU_AVX      = 1u << 3,
	CPU_AVX2     = 1u << 4,
	CPU_BMI2     = 1u << 5,
	CPU_AVX512F  = 1u << 6,
	CPU_AVX512BW = 1u << 7,
	CPU_AVX512VL = 1u << 8,
	CPU_SHA      = 1u << 9,
	CPU_AES      = 1u << 10,
	CPU_VAES     = 1u << 11,
	CPU_PCLMUL   = 1u << 12,
	CPU_GFNI     = 1u << 13,
	CPU_AVX512VBMI = 1u << 14, /* vpermb, vpermi2b, vpmultishiftqb */
};

/*
 * Detects the features once and returns them as a mask of enum cpu_flags.
 * Thread-safe after the first call (call it once from main before threads).
 */
unsigned cpu_features(void);

/* Writes the names of the set flags, space separated, into buf. */
void cpu_features_str(unsigned flags, char *buf, unsigned len);

/* The processor's brand string ("AMD EPYC ..."), or "unknown", into buf. */
void cpu_model(char *buf, unsigned len);

#endif
