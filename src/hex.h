/* SPDX-License-Identifier: MIT */
#ifndef QM_HEX_H
#define QM_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Hex codec. hex_decode() accepts exactly 2*len hex digits (either case) and
 * nothing else: returns 0, or -1 on a wrong length or a non-hex digit (out
 * is then unspecified). hex_encode() writes 2*len lowercase digits and a NUL.
 */
int hex_decode(const char *hex, uint8_t *out, size_t len);
void hex_encode(const uint8_t *in, size_t len, char *out);

/* Decodes a hex string of any even length up to max bytes; returns the length or -1. */
long hex_decode_var(const char *hex, uint8_t *out, size_t max);

/*
 * Hashes as nodes and block explorers print them: display order is the
 * internal byte order reversed (docs/pow.md §1). hex_decode_display() takes
 * exactly 2*len digits (0, or -1 as hex_decode); hex_encode_display() writes
 * 2*len digits and a NUL.
 */
int hex_decode_display(const char *hex, uint8_t *out, size_t len);
void hex_encode_display(const uint8_t *in, size_t len, char *out);

/* Reverses len bytes in place (internal <-> display order). */
void bytes_reverse(uint8_t *p, size_t len);

#endif
