/* SPDX-License-Identifier: MIT */
#include "cpu.h"

#include <stdio.h>
#include <string.h>

#include <cpuid.h>

/* XCR0 bits (Intel SDM vol. 1 §13.3): which register state the OS saves. */
#define XCR0_SSE      (1u << 1)
#define XCR0_AVX      (1u << 2)
#define XCR0_OPMASK   (1u << 5)
#define XCR0_ZMM_HI   (1u << 6)
#define XCR0_HI16_ZMM (1u << 7)

static unsigned long long xgetbv0(void)
{
	unsigned eax, edx;

	__asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return (unsigned long long)edx << 32 | eax;
}

static unsigned cpu_detect(void)
{
	unsigned a, b, c, d, max, flags = 0;
	unsigned long long xcr0 = 0;

	max = __get_cpuid_max(0, NULL);
	if (max < 1)
		return 0;
	__cpuid(1, a, b, c, d);
	if (d & bit_SSE2)
		flags |= CPU_SSE2;
	if (c & bit_SSSE3)
		flags |= CPU_SSSE3;
	if (c & bit_SSE4_1)
		flags |= CPU_SSE41;
	if (c & bit_AES)
		flags |= CPU_AES;
	if (c & bit_PCLMUL)
		flags |= CPU_PCLMUL;
	/* AVX is usable only if the OS enabled XSAVE and saves YMM state. */
	if (c & bit_OSXSAVE)
		xcr0 = xgetbv0();
	int os_avx = (xcr0 & (XCR0_SSE | XCR0_AVX)) == (XCR0_SSE | XCR0_AVX);
	int os_avx512 = os_avx && (xcr0 & (XCR0_OPMASK | XCR0_ZMM_HI | XCR0_HI16_ZMM)) ==
					  (XCR0_OPMASK | XCR0_ZMM_HI | XCR0_HI16_ZMM);
	if ((c & bit_AVX) && os_avx)
		flags |= CPU_AVX;
	if (max >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		if ((b & bit_AVX2) && (flags & CPU_AVX))
			flags |= CPU_AVX2;
		if (b & bit_BMI2)
			flags |= CPU_BMI2;
		if (b & bit_SHA)
			flags |= CPU_SHA;
		if ((b & bit_AVX512F) && os_avx512)
			flags |= CPU_AVX512F;
		if ((b & bit_AVX512BW) && os_avx512)
			flags |= CPU_AVX512BW;
		if ((b & bit_AVX512VL) && os_avx512)
			flags |= CPU_AVX512VL;
		if ((c & bit_AVX512VBMI) && os_avx512)
			flags |= CPU_AVX512VBMI;
		if ((c & bit_VAES) && (flags & CPU_AVX))
			flags |= CPU_VAES;
		if (c & bit_GFNI)
			flags |= CPU_GFNI;
	}
	return flags;
}

unsigned cpu_features(void)
{
	static unsigned flags;
	static int done;

	if (!done) {
		flags = cpu_detect();
		done = 1;
	}
	return flags;
}

void cpu_features_str(unsigned flags, char *buf, unsigned len)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{ CPU_SSE2, "sse2" },       { CPU_SSSE3, "ssse3" },       { CPU_SSE41, "sse4.1" },
		{ CPU_AVX, "avx" },         { CPU_AVX2, "avx2" },         { CPU_BMI2, "bmi2" },
		{ CPU_AVX512F, "avx512f" }, { CPU_AVX512BW, "avx512bw" }, { CPU_AVX512VL, "avx512vl" },
		{ CPU_SHA, "sha" },         { CPU_AES, "aes" },           { CPU_VAES, "vaes" },
		{ CPU_PCLMUL, "pclmul" },   { CPU_GFNI, "gfni" },
		{ CPU_AVX512VBMI, "avx512vbmi" },
	};
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].flag))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "", names[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

void cpu_model(char *buf, unsigned len)
{
	unsigned regs[12] = { 0 };
	char brand[sizeof(regs) + 1];
	size_t start = 0, end;

	if (!len)
		return;
	/* The processor brand string, CPUID 0x80000002..4 (Intel SDM vol. 2A, CPUID). */
	if (__get_cpuid_max(0x80000000u, NULL) < 0x80000004u) {
		snprintf(buf, len, "unknown");
		return;
	}
	for (unsigned i = 0; i < 3; i++)
		__cpuid(0x80000002u + i, regs[4 * i], regs[4 * i + 1], regs[4 * i + 2],
			regs[4 * i + 3]);
	memcpy(brand, regs, sizeof(regs));
	brand[sizeof(regs)] = '\0';
	while (brand[start] == ' ')
		start++;
	end = strlen(brand);
	while (end > start && brand[end - 1] == ' ')
		end--;
	brand[end] = '\0';
	snprintf(buf, len, "%s", brand[start] ? brand + start : "unknown");
}
