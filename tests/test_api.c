/* SPDX-License-Identifier: MIT */
/*
 * The API's pure parts: who may connect (--api-allow lists against client
 * addresses), ADDRESS:PORT splitting and the loopback test behind "any other
 * address needs --api-allow". The servers themselves are tested over
 * loopback by tests/api.int.
 */
#include "api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tap.h"

static int allowed(const struct api_allow *allow, const char *addr)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return api_allow_match(allow, (struct sockaddr *)&s4);
	}
	if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		return api_allow_match(allow, (struct sockaddr *)&s6);
	}
	return -1;
}

int main(void)
{
	struct api_allow a;
	char err[256], host[64], port[8];

	tap_ok(allowed(NULL, "127.0.0.1") == 1 && allowed(NULL, "::1") == 1,
	       "without a list, 127.0.0.1 and ::1 may connect");
	tap_ok(allowed(NULL, "127.0.0.2") == 0 && allowed(NULL, "192.168.1.5") == 0 &&
		       allowed(NULL, "::2") == 0,
	       "without a list, nobody else (127.0.0.2, 192.168.1.5, ::2)");
	tap_ok(allowed(NULL, "::ffff:127.0.0.1") == 1 && allowed(NULL, "::ffff:10.0.0.1") == 0,
	       "IPv4-mapped IPv6 counts as IPv4");

	tap_ok(!api_allow_parse(&a, "192.168.0.0/16,10.1.2.3,fd00::/8,127.0.0.2", err, sizeof(err)) &&
		       a.count == 4,
	       "parse a list of 4 addresses and networks");
	tap_ok(allowed(&a, "192.168.200.7") && allowed(&a, "10.1.2.3") && allowed(&a, "fd12::1") &&
		       allowed(&a, "127.0.0.2"),
	       "members of the listed networks may connect");
	tap_ok(!allowed(&a, "192.169.0.1") && !allowed(&a, "10.1.2.4") && !allowed(&a, "fe80::1") &&
		       !allowed(&a, "127.0.0.3"),
	       "neighbours just outside them may not");
	tap_ok(!api_allow_parse(&a, "10.0.0.0/9", err, sizeof(err)) && allowed(&a, "10.127.255.255") &&
		       !allowed(&a, "10.128.0.0"),
	       "a prefix that does not end on a byte (/9)");
	tap_ok(!api_allow_parse(&a, "0.0.0.0/0", err, sizeof(err)) && allowed(&a, "8.8.8.8") &&
		       !allowed(&a, "2001:db8::1"),
	       "0.0.0.0/0 allows every IPv4 client, no IPv6 one");

	static const char *const bad[] = { "", "10.0.0.1,", ",10.0.0.1", "10.0.0.256", "10.0.0.0/33",
					   "::/129", "10.0.0.0/", "10.0.0.0/x", "host.example",
					   "10.0.0.1;10.0.0.2" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = api_allow_parse(&a, bad[i], err, sizeof(err));
		tap_ok(bad[i][0] ? rc == -1 && strstr(err, "--api-allow") : rc == 0 && a.count == 0,
		       "--api-allow '%s' %s", bad[i], bad[i][0] ? "is refused" : "is an empty list");
	}

	tap_ok(!api_split_hostport("127.0.0.1:4048", host, sizeof(host), port, sizeof(port)) &&
		       !strcmp(host, "127.0.0.1") && !strcmp(port, "4048"),
	       "127.0.0.1:4048 splits");
	tap_ok(!api_split_hostport("[::1]:9170", host, sizeof(host), port, sizeof(port)) &&
		       !strcmp(host, "::1") && !strcmp(port, "9170"),
	       "[::1]:9170 splits");
	static const char *const bad_bind[] = { "127.0.0.1", ":4048", "127.0.0.1:", "::1:4048",
						"127.0.0.1:70000", "127.0.0.1:40x8", "[::1]4048" };
	for (unsigned i = 0; i < sizeof(bad_bind) / sizeof(bad_bind[0]); i++)
		tap_ok(api_split_hostport(bad_bind[i], host, sizeof(host), port, sizeof(port)) == -1,
		       "'%s' is not ADDRESS:PORT", bad_bind[i]);
	tap_ok(api_host_is_loopback("127.0.0.1") && api_host_is_loopback("127.1.2.3") &&
		       api_host_is_loopback("::1"),
	       "127/8 and ::1 are loopback");
	tap_ok(!api_host_is_loopback("0.0.0.0") && !api_host_is_loopback("192.168.1.1") &&
		       !api_host_is_loopback("::") && !api_host_is_loopback("localhost"),
	       "0.0.0.0, a LAN address, :: and names are not");
	return tap_done();
}
