/* SPDX-License-Identifier: MIT */
/*
 * address.c against the test vectors of BIP173 and BIP350 (bitcoin/bips:
 * bip-0173.mediawiki and bip-0350.mediawiki, "Test vectors"), and against
 * DigiByte and Litecoin addresses whose scriptPubKeys come from outside
 * quintminer: Litecoin's from litecoind's validateaddress (mainnet and
 * regtest), DigiByte's from a wallet library's published test cases.
 */
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "hex.h"
#include "tap.h"

/* BIP173: valid Bech32 strings. */
static const char *const bech32_valid[] = {
	"A12UEL5L",
	"a12uel5l",
	"an83characterlonghumanreadablepartthatcontain"
	"sthenumber1andtheexcludedcharactersbio1tt5tgs",
	"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
	"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
	"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
	"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	"?1ezyfcl",
};

/* BIP350: valid Bech32m strings (and so invalid Bech32). */
static const char *const bech32m_valid[] = {
	"A1LQFN3A",
	"a1lqfn3a",
	"an83characterlonghumanreadablepartthatcontain"
	"sthetheexcludedcharactersbioandnumber11sg7hg6",
	"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
	"11lllllllllllllllllllllllllllllllllllllllllll"
	"lllllllllllllllllllllllllllllllllllllllludsr8",
	"split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
	"?1v759aa",
};

/* BIP173: not valid Bech32 (reason in the comment). */
static const char *const bech32_invalid[] = {
	"\x20" "1nwldj5",  /* HRP character out of range */
	"\x7f" "1axkwrx",  /* HRP character out of range */
	"\x80" "1eym55h",  /* HRP character out of range */
	"an84characterslonghumanreadablepartthatcontai"
	"nsthenumber1andtheexcludedcharactersbio1569pvx",
	"pzry9x0s0muk",     /* no separator */
	"1pzry9x0s0muk",    /* empty HRP */
	"x1b4n0q5v",        /* invalid data character */
	"li1dgmt3",         /* too short checksum */
	"de1lg7wt" "\xff",  /* invalid character in checksum */
	"A1G7SGD8",         /* checksum calculated with uppercase form of HRP */
	"10a06t8",          /* empty HRP */
	"1qzzfhee",         /* empty HRP */
};

/* BIP350: not valid Bech32m. */
static const char *const bech32m_invalid[] = {
	"\x20" "1xj0phk",
	"\x7f" "1g6xzxy",
	"\x80" "1vctc34",
	"an84characterslonghumanreadablepartthatcontai"
	"nsthetheexcludedcharactersbioandnumber11d6pts4",
	"qyrz8wqd2c9m",
	"1qyrz8wqd2c9m",
	"y1b0jsk6g",
	"lt1igcx5c0",
	"in1muywd",
	"mm1crxm3i",
	"au1s5cgom",
	"M1VUXWEZ",
	"16plkw9",
	"1p2gdwpf",
};

struct segwit_vector {
	const char *address;
	const char *script; /* hex */
};

/* BIP350: valid segwit addresses v0..v16 and their scriptPubKeys. */
static const struct segwit_vector segwit_valid[] = {
	{ "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
	  "0014751e76e8199196d454941c45d1b3a323f1433bd6" },
	{ "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
	  "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262" },
	{ "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
	  "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6" },
	{ "BC1SW50QGDZ25J", "6002751e" },
	{ "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323" },
	{ "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
	  "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433" },
	{ "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
	  "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433" },
	{ "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
	  "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" },
};

/*
 * Invalid segwit addresses of BIP350, and BIP173's that stay invalid, plus
 * BIP173's valid v1+ addresses, which BIP350 made invalid (bech32 checksum
 * on a v1+ program).
 */
static const char *const segwit_invalid[] = {
	"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
	"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
	"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
	"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
	"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
	"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
	"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
	"bc1pw5dgrnzv",
	"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
	"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
	"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
	"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
	"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
	"bc1gmk9yu",
	/* BIP173 */
	"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
	"BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
	"bc1rw5uspcuh",
	"bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
	"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
	"bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
	"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
	/* BIP173-valid, BIP350-invalid */
	"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
	"BC1SW50QA3JX3S",
	"bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
};

struct coin_vector {
	const char *address;
	const char *script;
	unsigned chains;
};

static const struct coin_vector coin_valid[] = {
	/* DigiByte mainnet (trustwallet wallet-core test cases) */
	{ "DBfCffUdSbhqKZhjuvrJ6AgvJofT4E2kp4",
	  "76a91447825943ca6a936b177fdc7c9dc05251640169c288ac", ADDRESS_MAIN },
	{ "SUngTA1vaC2E62mbnc81Mdos3TcvZHwsVo", "a91452356ed3d2d31eb8b263ace5d164e3cf3b37096687",
	  ADDRESS_MAIN },
	{ "dgb1q3p2nf26ac6qtdrv4czh5nmp2eshfj9wyn9vv3d",
	  "0014885534ab5dc680b68d95c0af49ec2acc2e9915c4", ADDRESS_MAIN },
	{ "dgb1qnpz45lytqph4smuw4lhtdjdqjmkkq8yyk3m0h3",
	  "001498455a7c8b006f586f8eafeeb6c9a096ed601c84", ADDRESS_MAIN },
	/* BIP173: all upper case is as valid as all lower case */
	{ "DGB1Q3P2NF26AC6QTDRV4CZH5NMP2ESHFJ9WYN9VV3D",
	  "0014885534ab5dc680b68d95c0af49ec2acc2e9915c4", ADDRESS_MAIN },
	/* Litecoin mainnet (litecoind 0.21 validateaddress) */
	{ "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz",
	  "76a914a5f4d12ce3685781b227c1f39548ddef429e978388ac", ADDRESS_MAIN },
	{ "MQMcJhpWHYVeQArcZR3sBgyPZxxRtnH441", "a914b48297bff5dadecc5f36145cec6a5f20d57c8f9b87",
	  ADDRESS_MAIN },
	{ "ltc1qdp7p2rpx4a2f80h7a4crvppczgg4egmv5c78w8",
	  "0014687c150c26af5493befeed7036043812115ca36c", ADDRESS_MAIN },
	/* version 5: the old P2SH prefix of both coins' mainnets */
	{ "3P14159f73E4gFr7JterCCQh9QjiTjiZrG", "a914e9c3dd0c07aac76179ebc76a6c78d4d67c6c160a87",
	  ADDRESS_MAIN },
	/* Litecoin regtest (litecoind -regtest getnewaddress / validateaddress) */
	{ "moHscLnzFVhd5CeVB6yK6BWywo1XXtacNA",
	  "76a9145547b02cf085d7f8112660a51fb28f409a51e03788ac", ADDRESS_TEST | ADDRESS_REGTEST },
	{ "QMHGL8tSz6gojYBvRKNJYzQLeSKFoZ8tZk", "a914076dc36e87206102aa53c2a42f9e7a7c8932ded187",
	  ADDRESS_TEST | ADDRESS_REGTEST },
	{ "rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw",
	  "00140b5884210dd92846ff5a9ddd6fd870bee0741b5c", ADDRESS_REGTEST },
	{ "rltc1q2vfm4ka9dc6dlel5293tla0xw58cpnw9dnl6m0",
	  "00145313badba56e34dfe7f45162bff5e6750f80cdc5", ADDRESS_REGTEST },
};

static const char *const coin_invalid[] = {
	"",
	"DBfCffUdSbhqKZhjuvrJ6AgvJofT4E2kp5",          /* checksum */
	"XBfCffUdSbhqKZhjuvrJ6AgvJofT4E2kp4",          /* checksum */
	"DBfCffUdSbhqKZhjuvrJ6AgvJofT4E2kp0",          /* '0' is not base58 */
	"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",          /* Bitcoin: version 0 */
	"1111111111111111111114oLvT2",                 /* Bitcoin, version 0 */
	"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",  /* Bitcoin hrp */
	"dgb1q3p2nf26ac6qtdrv4czh5nmp2eshfj9wyn9vv3e", /* checksum */
	"DGB1Q3P2NF26AC6QTDRV4CZH5NMP2ESHFJ9WYN9vv3d", /* mixed case */
	"ltc1qdp7p2rpx4a2f80h7a4crvppczgg4egmv5c78w",  /* truncated */
	"rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw"
	"rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw", /* too long */
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_bech32(void)
{
	char hrp[ADDRESS_HRP_MAX + 1];
	uint8_t data[ADDRESS_BECH32_MAX];
	size_t len;

	for (size_t i = 0; i < COUNT(bech32_valid); i++)
		tap_ok(address_bech32_decode(bech32_valid[i], hrp, data, sizeof(data), &len) ==
		       ADDRESS_BECH32, "BIP173 valid bech32 %zu", i);
	for (size_t i = 0; i < COUNT(bech32m_valid); i++)
		tap_ok(address_bech32_decode(bech32m_valid[i], hrp, data, sizeof(data), &len) ==
		       ADDRESS_BECH32M, "BIP350 valid bech32m %zu", i);
	for (size_t i = 0; i < COUNT(bech32_invalid); i++)
		tap_ok(address_bech32_decode(bech32_invalid[i], hrp, data, sizeof(data), &len) !=
		       ADDRESS_BECH32, "BIP173 invalid bech32 %zu", i);
	for (size_t i = 0; i < COUNT(bech32m_invalid); i++)
		tap_ok(address_bech32_decode(bech32m_invalid[i], hrp, data, sizeof(data), &len) !=
		       ADDRESS_BECH32M, "BIP350 invalid bech32m %zu", i);
	/* The hrp comes back in lower case; the data without the checksum. */
	tap_ok(address_bech32_decode("A12UEL5L", hrp, data, sizeof(data), &len) == ADDRESS_BECH32 &&
	       !strcmp(hrp, "a") && len == 0, "hrp lower-cased, empty data");
	tap_ok(address_bech32_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", hrp, data,
				     sizeof(data), &len) == ADDRESS_BECH32 && len == 32 &&
	       data[0] == 0 && data[31] == 31, "data values 0..31 in alphabet order");
	tap_ok(address_bech32_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", hrp, data, 31,
				     &len) < 0, "data longer than the buffer is refused");
}

static void test_segwit(void)
{
	char hrp[ADDRESS_HRP_MAX + 1], hex[2 * ADDRESS_SCRIPT_MAX + 1];
	uint8_t script[ADDRESS_SCRIPT_MAX];
	size_t len;

	for (size_t i = 0; i < COUNT(segwit_valid); i++) {
		int rc = address_segwit_decode(segwit_valid[i].address, hrp, script, &len);

		if (!rc)
			hex_encode(script, len, hex);
		tap_ok(!rc && !strcmp(hex, segwit_valid[i].script), "BIP350 valid segwit %s",
		       segwit_valid[i].address);
	}
	for (size_t i = 0; i < COUNT(segwit_invalid); i++)
		tap_ok(address_segwit_decode(segwit_invalid[i], hrp, script, &len) < 0,
		       "invalid segwit %s", segwit_invalid[i]);
	/* "Invalid human-readable part": decodes, but tc is no network's hrp. */
	{
		const char *tc = "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut";
		struct address a;
		char err[128];

		tap_ok(!address_segwit_decode(tc, hrp, script, &len) && !strcmp(hrp, "tc") &&
		       address_decode(&a, tc, err, sizeof(err)) < 0 && strstr(err, "'tc'"),
		       "BIP350 invalid hrp 'tc' is refused by address_decode: %s", err);
	}
}

static void test_coins(void)
{
	char hex[2 * ADDRESS_SCRIPT_MAX + 1], err[160];
	struct address a;

	for (size_t i = 0; i < COUNT(coin_valid); i++) {
		int rc = address_decode(&a, coin_valid[i].address, err, sizeof(err));

		if (!rc)
			hex_encode(a.script, a.script_len, hex);
		tap_ok(!rc && !strcmp(hex, coin_valid[i].script) &&
		       (a.chains & coin_valid[i].chains) == coin_valid[i].chains,
		       "%s -> %s (%s)", coin_valid[i].address, rc ? err : hex, rc ? "" : a.desc);
	}
	for (size_t i = 0; i < COUNT(coin_invalid); i++) {
		err[0] = '\0';
		tap_ok(address_decode(&a, coin_invalid[i], err, sizeof(err)) < 0 && err[0],
		       "refused '%.44s': %s", coin_invalid[i], err);
	}
	tap_ok(address_decode(&a, NULL, err, sizeof(err)) < 0, "NULL refused");
	tap_ok(!address_decode(&a, "rltc1qpdvggggdmy5ydl66nhwklkrshms8gx6utrxmvw", err, sizeof(err))
	       && !strcmp(a.desc, "P2WPKH, Litecoin regtest"), "description: %s", a.desc);
	tap_ok(!address_decode(&a, "moHscLnzFVhd5CeVB6yK6BWywo1XXtacNA", err, sizeof(err)) &&
	       !strcmp(a.desc, "P2PKH, Litecoin testnet / Litecoin regtest"), "description: %s",
	       a.desc);
	tap_ok(!address_decode(&a, "3P14159f73E4gFr7JterCCQh9QjiTjiZrG", err, sizeof(err)) &&
	       a.chains == ADDRESS_MAIN, "version 5 is mainnet only: %s", a.desc);
}

static void test_base58(void)
{
	uint8_t out[32];
	size_t len;

	tap_ok(!address_base58check_decode("1111111111111111111114oLvT2", out, sizeof(out), &len) &&
	       len == 21 && out[0] == 0 && out[20] == 0, "leading '1's are zero bytes");
	tap_ok(address_base58check_decode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", out, 20, &len) < 0,
	       "payload larger than the buffer refused");
	tap_ok(address_base58check_decode("", out, sizeof(out), &len) < 0, "empty refused");
	tap_ok(address_base58check_decode("1", out, sizeof(out), &len) < 0,
	       "shorter than a checksum refused");
	tap_ok(address_base58check_decode("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
					  "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
					  "zzzzzz", out, sizeof(out), &len) < 0,
	       "100 digits: no overflow, refused");
}

int main(void)
{
	test_bech32();
	test_segwit();
	test_base58();
	test_coins();
	tap_ok(address_chain_from_name("main") == ADDRESS_MAIN &&
	       address_chain_from_name("test") == ADDRESS_TEST &&
	       address_chain_from_name("regtest") == ADDRESS_REGTEST &&
	       !address_chain_from_name("signet") && !address_chain_from_name(NULL),
	       "chain names");
	return tap_done();
}
