/* SPDX-License-Identifier: MIT */
#include "address.h"

#include <stdio.h>
#include <string.h>

#include "sha256.h"

/*
 * Version bytes and human-readable parts, from each project's
 * src/chainparams.cpp (base58Prefixes[PUBKEY_ADDRESS], [SCRIPT_ADDRESS] and
 * the older second script prefix, bech32_hrp). Testnet and regtest share
 * their base58 bytes, so a base58 address can belong to more than one chain;
 * the node's validateaddress settles which.
 */
struct address_net {
	const char *coin;
	const char *chain_name;  /* for messages */
	unsigned chain;          /* enum address_chain */
	uint8_t p2pkh;
	uint8_t p2sh[2];         /* the current and the older script prefix */
	const char *hrp;
};

static const struct address_net address_nets[] = {
	{ .coin = "DigiByte", .chain_name = "mainnet", .chain = ADDRESS_MAIN, .p2pkh = 30,
	  .p2sh = { 63, 5 }, .hrp = "dgb" },
	{ .coin = "DigiByte", .chain_name = "testnet", .chain = ADDRESS_TEST, .p2pkh = 126,
	  .p2sh = { 140, 140 }, .hrp = "dgbt" },
	{ .coin = "DigiByte", .chain_name = "regtest", .chain = ADDRESS_REGTEST, .p2pkh = 126,
	  .p2sh = { 140, 140 }, .hrp = "dgbrt" },
	{ .coin = "Litecoin", .chain_name = "mainnet", .chain = ADDRESS_MAIN, .p2pkh = 48,
	  .p2sh = { 50, 5 }, .hrp = "ltc" },
	{ .coin = "Litecoin", .chain_name = "testnet", .chain = ADDRESS_TEST, .p2pkh = 111,
	  .p2sh = { 58, 196 }, .hrp = "tltc" },
	{ .coin = "Litecoin", .chain_name = "regtest", .chain = ADDRESS_REGTEST, .p2pkh = 111,
	  .p2sh = { 58, 196 }, .hrp = "rltc" },
};

#define ADDRESS_NET_COUNT (sizeof(address_nets) / sizeof(address_nets[0]))
#define HASH160_LEN 20
#define CHECKSUM_LEN 4  /* base58check: first 4 bytes of SHA-256d(payload) */

/* Script opcodes (BIP141 / Bitcoin Core script.h). */
#define OP_0 0x00
#define OP_1 0x51
#define OP_DUP 0x76
#define OP_HASH160 0xa9
#define OP_EQUAL 0x87
#define OP_EQUALVERIFY 0x88
#define OP_CHECKSIG 0xac

static const char address_b58_alphabet[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/* BIP173 "Bech32" section: the 32 data characters in value order. */
static const char address_b32_alphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static int b58_value(char c)
{
	const char *p = c ? strchr(address_b58_alphabet, c) : NULL;

	return p ? (int)(p - address_b58_alphabet) : -1;
}

int address_base58check_decode(const char *text, uint8_t *out, size_t cap, size_t *len)
{
	/* 58^100 < 256^74: a 100-character input fits 74 bytes. */
	uint8_t num[ADDRESS_TEXT_MAX];
	size_t n = strnlen(text, ADDRESS_TEXT_MAX + 1), zeros = 0, size = 0;
	uint8_t sum[32];

	if (n == 0 || n > ADDRESS_TEXT_MAX)
		return -1;
	while (zeros < n && text[zeros] == '1')
		zeros++;
	/* Big-endian base-256 number in num[sizeof num - size ..]. */
	for (size_t i = 0; i < n; i++) {
		int v = b58_value(text[i]);
		unsigned carry;

		if (v < 0)
			return -1;
		carry = (unsigned)v;
		for (size_t k = 0; k < size; k++) {
			uint8_t *d = &num[sizeof(num) - 1 - k];

			carry += 58u * *d;
			*d = (uint8_t)carry;
			carry >>= 8;
		}
		while (carry) {
			if (size == sizeof(num))
				return -1;
			num[sizeof(num) - 1 - size++] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	/* Each leading '1' is a leading zero byte (the number itself has none). */
	size_t total = zeros + size;
	uint8_t raw[ADDRESS_TEXT_MAX + ADDRESS_TEXT_MAX];

	if (total < CHECKSUM_LEN || total - CHECKSUM_LEN > cap)
		return -1;
	memset(raw, 0, zeros);
	memcpy(raw + zeros, num + sizeof(num) - size, size);
	sha256d(raw, total - CHECKSUM_LEN, sum);
	if (memcmp(sum, raw + total - CHECKSUM_LEN, CHECKSUM_LEN))
		return -1;
	memcpy(out, raw, total - CHECKSUM_LEN);
	*len = total - CHECKSUM_LEN;
	return 0;
}

/* BIP173 "Checksum": the BCH code's generator and the polymod over GF(32). */
static uint32_t bech32_polymod_step(uint32_t chk, uint8_t v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
					 0x2a1462b3 };
	uint32_t top = chk >> 25;

	chk = (chk & 0x1ffffff) << 5 ^ v;
	for (unsigned i = 0; i < 5; i++) {
		if (top >> i & 1)
			chk ^= gen[i];
	}
	return chk;
}

#define BECH32_CONST 1u            /* BIP173 */
#define BECH32M_CONST 0x2bc830a3u  /* BIP350 */
#define BECH32_CHECKSUM_LEN 6

int address_bech32_decode(const char *text, char hrp[ADDRESS_HRP_MAX + 1], uint8_t *data,
			  size_t cap, size_t *len)
{
	size_t n = strnlen(text, ADDRESS_BECH32_MAX + 1), sep = 0;
	int has_lower = 0, has_upper = 0, has_sep = 0;
	uint32_t chk = 1;

	if (n > ADDRESS_BECH32_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 33 || c > 126)
			return -1;
		has_lower |= c >= 'a' && c <= 'z';
		has_upper |= c >= 'A' && c <= 'Z';
		if (c == '1') {
			sep = i;
			has_sep = 1;
		}
	}
	/* One case only; the separator is the last '1'; hrp 1..83; >= 6 checksum chars. */
	if ((has_lower && has_upper) || !has_sep || sep == 0 || sep > ADDRESS_HRP_MAX ||
	    n - sep - 1 < BECH32_CHECKSUM_LEN)
		return -1;
	for (size_t i = 0; i < sep; i++) {
		char c = text[i];

		hrp[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	hrp[sep] = '\0';
	/* hrp_expand: high bits of each character, a zero, then the low bits. */
	for (size_t i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk, (uint8_t)((unsigned char)hrp[i] >> 5));
	chk = bech32_polymod_step(chk, 0);
	for (size_t i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk, (uint8_t)(hrp[i] & 31));

	size_t count = n - sep - 1 - BECH32_CHECKSUM_LEN;

	if (count > cap)
		return -1;
	for (size_t i = sep + 1; i < n; i++) {
		char c = text[i];
		const char *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		p = strchr(address_b32_alphabet, c);
		if (!c || !p)
			return -1;
		chk = bech32_polymod_step(chk, (uint8_t)(p - address_b32_alphabet));
		if (i - sep - 1 < count)
			data[i - sep - 1] = (uint8_t)(p - address_b32_alphabet);
	}
	*len = count;
	if (chk == BECH32_CONST)
		return ADDRESS_BECH32;
	if (chk == BECH32M_CONST)
		return ADDRESS_BECH32M;
	return -1;
}

#define WITNESS_VERSION_MAX 16
#define WITNESS_PROGRAM_MIN 2   /* BIP141 */
#define WITNESS_PROGRAM_MAX 40

int address_segwit_decode(const char *text, char hrp[ADDRESS_HRP_MAX + 1],
			  uint8_t script[ADDRESS_SCRIPT_MAX], size_t *script_len)
{
	uint8_t data[ADDRESS_BECH32_MAX];
	uint8_t prog[WITNESS_PROGRAM_MAX];
	size_t count, prog_len = 0;
	unsigned acc = 0, bits = 0;
	int enc = address_bech32_decode(text, hrp, data, sizeof(data), &count);

	if (enc < 0 || count < 1 || data[0] > WITNESS_VERSION_MAX)
		return -1;
	/* BIP350: v0 is bech32, v1..v16 bech32m. */
	if ((data[0] == 0) != (enc == ADDRESS_BECH32))
		return -1;
	/* 5-bit groups -> bytes; the leftover must be < 5 zero bits (BIP173, segwit format). */
	for (size_t i = 1; i < count; i++) {
		acc = (acc << 5 | data[i]) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (prog_len == sizeof(prog))
				return -1;
			prog[prog_len++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return -1;
	if (prog_len < WITNESS_PROGRAM_MIN || prog_len > WITNESS_PROGRAM_MAX)
		return -1;
	if (data[0] == 0 && prog_len != 20 && prog_len != 32)
		return -1;
	script[0] = data[0] ? (uint8_t)(OP_1 - 1 + data[0]) : OP_0;
	script[1] = (uint8_t)prog_len;
	memcpy(script + 2, prog, prog_len);
	*script_len = 2 + prog_len;
	return 0;
}

unsigned address_chain_from_name(const char *chain)
{
	if (!chain)
		return 0;
	if (!strcmp(chain, "main"))
		return ADDRESS_MAIN;
	if (!strcmp(chain, "test"))
		return ADDRESS_TEST;
	if (!strcmp(chain, "regtest"))
		return ADDRESS_REGTEST;
	return 0;
}

/* Appends "Coin chain" of net to desc unless already there (", "-separated). */
static void desc_add_net(struct address *addr, const struct address_net *net)
{
	char item[48];
	size_t used = strlen(addr->desc);

	snprintf(item, sizeof(item), "%s %s", net->coin, net->chain_name);
	if (strstr(addr->desc, item))
		return;
	snprintf(addr->desc + used, sizeof(addr->desc) - used, "%s%s",
		 strchr(addr->desc, ',') ? " / " : ", ", item);
	addr->chains |= net->chain;
}

static const char *segwit_kind(const uint8_t *script, size_t len)
{
	if (script[0] == OP_0)
		return len == 22 ? "P2WPKH" : "P2WSH";
	if (script[0] == OP_1 && len == 34)
		return "P2TR";
	return "segwit";
}

static int decode_segwit(struct address *addr, const char *text, char *err, size_t err_len)
{
	char hrp[ADDRESS_HRP_MAX + 1];

	if (address_segwit_decode(text, hrp, addr->script, &addr->script_len)) {
		snprintf(err, err_len, "not a valid bech32/bech32m segwit address");
		return -1;
	}
	snprintf(addr->desc, sizeof(addr->desc), "%s", segwit_kind(addr->script,
								    addr->script_len));
	for (size_t i = 0; i < ADDRESS_NET_COUNT; i++) {
		if (!strcmp(hrp, address_nets[i].hrp))
			desc_add_net(addr, &address_nets[i]);
	}
	if (!addr->chains) {
		snprintf(err, err_len, "unknown segwit prefix '%s' (not DigiByte or Litecoin)",
			 hrp);
		return -1;
	}
	return 0;
}

static int decode_base58(struct address *addr, const char *text, char *err, size_t err_len)
{
	uint8_t payload[1 + HASH160_LEN + 1];
	size_t len;
	int is_p2sh = 0;

	if (address_base58check_decode(text, payload, sizeof(payload), &len)) {
		snprintf(err, err_len, "neither a segwit address nor valid base58check "
			 "(bad character or checksum)");
		return -1;
	}
	if (len != 1 + HASH160_LEN) {
		snprintf(err, err_len, "base58check payload of %zu bytes, an address has %d", len,
			 1 + HASH160_LEN);
		return -1;
	}
	for (size_t i = 0; i < ADDRESS_NET_COUNT; i++) {
		const struct address_net *net = &address_nets[i];

		if (payload[0] == net->p2pkh) {
			desc_add_net(addr, net);
		} else if (payload[0] == net->p2sh[0] || payload[0] == net->p2sh[1]) {
			desc_add_net(addr, net);
			is_p2sh = 1;
		}
	}
	if (!addr->chains) {
		snprintf(err, err_len, "unknown base58 version byte %u (not DigiByte or Litecoin)",
			 payload[0]);
		return -1;
	}
	/*
	 * P2PKH: OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG;
	 * P2SH: OP_HASH160 <20> OP_EQUAL.
	 */
	uint8_t *s = addr->script;

	if (is_p2sh) {
		*s++ = OP_HASH160;
		*s++ = HASH160_LEN;
		memcpy(s, payload + 1, HASH160_LEN);
		s += HASH160_LEN;
		*s++ = OP_EQUAL;
	} else {
		*s++ = OP_DUP;
		*s++ = OP_HASH160;
		*s++ = HASH160_LEN;
		memcpy(s, payload + 1, HASH160_LEN);
		s += HASH160_LEN;
		*s++ = OP_EQUALVERIFY;
		*s++ = OP_CHECKSIG;
	}
	addr->script_len = (size_t)(s - addr->script);
	/* Prefix the kind to the chain list built above (it starts with ", "). */
	const char *kind = is_p2sh ? "P2SH" : "P2PKH";
	size_t kind_len = strlen(kind), used = strnlen(addr->desc, sizeof(addr->desc) - 1);

	if (used + kind_len >= sizeof(addr->desc))
		used = sizeof(addr->desc) - 1 - kind_len;
	memmove(addr->desc + kind_len, addr->desc, used);
	memcpy(addr->desc, kind, kind_len);
	addr->desc[kind_len + used] = '\0';
	return 0;
}

/* Whether text starts with a known hrp and its separator (so it is meant as bech32). */
static int looks_segwit(const char *text)
{
	for (size_t i = 0; i < ADDRESS_NET_COUNT; i++) {
		const char *hrp = address_nets[i].hrp;
		size_t n = strlen(hrp), k;

		for (k = 0; k < n; k++) {
			char c = text[k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != hrp[k])
				break;
		}
		if (k == n && text[n] == '1')
			return 1;
	}
	return 0;
}

int address_decode(struct address *addr, const char *text, char *err, size_t err_len)
{
	char hrp[ADDRESS_HRP_MAX + 1];
	uint8_t data[ADDRESS_BECH32_MAX];
	size_t count;

	memset(addr, 0, sizeof(*addr));
	if (!text || !*text) {
		snprintf(err, err_len, "empty address");
		return -1;
	}
	if (strnlen(text, ADDRESS_TEXT_MAX + 1) > ADDRESS_TEXT_MAX) {
		snprintf(err, err_len, "address longer than %d characters", ADDRESS_TEXT_MAX);
		return -1;
	}
	/*
	 * A string with a valid bech32(m) checksum, or one that starts with a
	 * known hrp, is a segwit address; everything else must be base58check.
	 */
	if (looks_segwit(text) || address_bech32_decode(text, hrp, data, sizeof(data), &count) > 0)
		return decode_segwit(addr, text, err, err_len);
	return decode_base58(addr, text, err, err_len);
}
