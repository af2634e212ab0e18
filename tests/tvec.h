/* SPDX-License-Identifier: MIT */
#ifndef QM_TVEC_H
#define QM_TVEC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/*
 * Test-vector access: loads tests/vectors/NAME (a copy of ../shared/vectors)
 * from $QM_SRCDIR (or the current directory). Aborts the test on a missing or
 * malformed file: a vector file that cannot be read is a failed test.
 */
json_t *tvec_load(const char *name);

/* The string field key of object o; aborts if absent. */
const char *tvec_str(json_t *o, const char *key);

/* Decodes hex field key of o into out (exactly len bytes); aborts on mismatch. */
void tvec_hex(json_t *o, const char *key, uint8_t *out, size_t len);

/* Decodes a hex field of any length into a malloc'ed buffer; *len gets its length. */
uint8_t *tvec_hex_alloc(json_t *o, const char *key, size_t *len);

/* Entries of array v whose field "primitive" equals prim, one at a time: index from 0. */
json_t *tvec_next_primitive(json_t *v, const char *prim, size_t *index);

/* Returns an aligned block for an algo context (64-byte aligned). */
void *tvec_aligned_alloc(size_t len);

#endif
