/* SPDX-License-Identifier: MIT */
#ifndef QM_ADDRESS_H
#define QM_ADDRESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Payout addresses -> scriptPubKey, for the coinbase of a solo block.
 *
 * Understands the address formats of DigiByte and Litecoin on mainnet,
 * testnet and regtest: base58check P2PKH and P2SH with each network's version
 * bytes, and native segwit addresses in bech32 (witness v0, BIP173) or
 * bech32m (v1..v16, BIP350) with each network's human-readable part. Every
 * checksum is verified; nothing is guessed. Pure functions: no I/O, no
 * logging, no global state; thread-safe.
 */

#define ADDRESS_TEXT_MAX 100   /* longer input is refused before decoding */
#define ADDRESS_BECH32_MAX 90  /* BIP173: a bech32 string is at most 90 characters */
#define ADDRESS_HRP_MAX 83     /* BIP173: 1..83 characters of human-readable part */
#define ADDRESS_SCRIPT_MAX 42  /* OP_n, push 40, a 40-byte witness program (BIP141) */

/* Chains an address belongs to, as getblockchaininfo names them. */
enum address_chain {
	ADDRESS_MAIN = 1u << 0,    /* "main" */
	ADDRESS_TEST = 1u << 1,    /* "test" */
	ADDRESS_REGTEST = 1u << 2, /* "regtest" */
};

struct address {
	uint8_t script[ADDRESS_SCRIPT_MAX]; /* the scriptPubKey that pays this address */
	size_t script_len;
	unsigned chains;                    /* enum address_chain: where it is valid */
	char desc[128];                     /* "P2WPKH, Litecoin regtest", for logs */
};

/*
 * Decodes text into addr. Returns 0, or -1 with a one-line reason in err
 * (e.g. "bad base58check checksum", "unknown prefix 'bc'"); addr is then
 * unspecified.
 */
int address_decode(struct address *addr, const char *text, char *err, size_t err_len);

/* The enum address_chain flag for a getblockchaininfo "chain" name; 0 if unknown. */
unsigned address_chain_from_name(const char *chain);

/*
 * Building blocks, exported for the BIP test vectors.
 *
 * address_base58check_decode: base58 text -> payload without the 4-byte
 * checksum (version byte included). Returns 0 and *len, or -1 on a bad
 * character, a bad checksum, or a payload longer than cap.
 */
int address_base58check_decode(const char *text, uint8_t *out, size_t cap, size_t *len);

enum address_bech32_encoding { ADDRESS_BECH32 = 1, ADDRESS_BECH32M = 2 };

/*
 * address_bech32_decode: a bech32 or bech32m string (BIP173/BIP350 rules:
 * at most 90 characters, characters 33..126, one case, separator, at least
 * 6 checksum characters) -> lower-case hrp and the 5-bit data values without
 * the checksum. Returns the enum address_bech32_encoding whose checksum
 * matches, or -1.
 */
int address_bech32_decode(const char *text, char hrp[ADDRESS_HRP_MAX + 1], uint8_t *data,
			  size_t cap, size_t *len);

/*
 * address_segwit_decode: a segwit address under any hrp -> hrp and
 * scriptPubKey (OP_n <program>), with BIP350's checks: witness version
 * 0..16, program 2..40 bytes (20 or 32 for v0), bech32 for v0 and bech32m
 * for v1+, padding of at most 4 zero bits. Returns 0 or -1.
 */
int address_segwit_decode(const char *text, char hrp[ADDRESS_HRP_MAX + 1],
			  uint8_t script[ADDRESS_SCRIPT_MAX], size_t *script_len);

#endif
