/* SPDX-License-Identifier: MIT */
#ifndef QM_FUZZ_H
#define QM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fuzz harnesses: one entry point per parser that reads outside input. Each
 * takes any bytes, must never crash, leak or trip a sanitizer, and returns 0.
 * tests/fuzz/run links one of them at a time into a libFuzzer binary
 * (clang, -DQM_LIBFUZZER); tests/fuzz/replay.c links them all into a plain
 * program that make check runs over the seeds and the regression inputs.
 */
int fuzz_stratum(const uint8_t *data, size_t len);
int fuzz_gbt(const uint8_t *data, size_t len);
int fuzz_rpc(const uint8_t *data, size_t len);
int fuzz_config(const uint8_t *data, size_t len);
int fuzz_address(const uint8_t *data, size_t len);
int fuzz_url(const uint8_t *data, size_t len);

/* Under libFuzzer, a harness file also defines the fuzzer's entry point. */
#ifdef QM_LIBFUZZER
#define FUZZ_ENTRY(fn)                                                     \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);       \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)        \
	{                                                                  \
		return fn(data, len);                                      \
	}
#else
#define FUZZ_ENTRY(fn)
#endif

/* A harness's own invariant broke: abort, so that both runners report it. */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond))                                               \
			fuzz_fail(__FILE__, __LINE__, #cond);              \
	} while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#endif
