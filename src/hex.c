/* SPDX-License-Identifier: MIT */
#include "hex.h"

#include <string.h>

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, uint8_t *out, size_t len)
{
	if (!hex || strlen(hex) != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

long hex_decode_var(const char *hex, uint8_t *out, size_t max)
{
	size_t n;

	if (!hex)
		return -1;
	n = strlen(hex);
	if (n % 2 || n / 2 > max)
		return -1;
	if (hex_decode(hex, out, n / 2))
		return -1;
	return (long)(n / 2);
}

void hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void bytes_reverse(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len / 2; i++) {
		uint8_t t = p[i];
		p[i] = p[len - 1 - i];
		p[len - 1 - i] = t;
	}
}

int hex_decode_display(const char *hex, uint8_t *out, size_t len)
{
	if (hex_decode(hex, out, len))
		return -1;
	bytes_reverse(out, len);
	return 0;
}

void hex_encode_display(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[len - 1 - i] >> 4];
		out[2 * i + 1] = digits[in[len - 1 - i] & 15];
	}
	out[2 * len] = '\0';
}
