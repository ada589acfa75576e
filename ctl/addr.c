// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line value parsing.  Nothing here prints or touches netlink, so
 * the unit tests can link this file alone.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gwctl.h"

int gw_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Exactly len decimal digits.  strtoull() is not used because it accepts
 * leading blanks and a sign, and silently wraps "-1" to UINT64_MAX.
 */
static int parse_decimal(const char *s, size_t len, uint64_t *val)
{
	uint64_t v = 0;
	size_t i;

	*val = 0;
	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int digit = (unsigned char)s[i] - '0';

		if (digit > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		v = v * 10 + digit;
	}
	*val = v;
	return 0;
}

int gw_parse_uint(const char *what, const char *arg, uint64_t min, uint64_t max,
		  uint64_t *val, char *err, size_t errlen)
{
	int ret = parse_decimal(arg, strlen(arg), val);

	if (ret == -EINVAL)
		return gw_errf(err, errlen, "invalid %s \"%s\": expected a decimal number.",
			    what, arg);
	if (ret == -ERANGE || *val < min || *val > max)
		return gw_errf(err, errlen, "%s %s is out of range (%" PRIu64 "-%" PRIu64 ").",
			    what, arg, min, max);
	return 0;
}

size_t gw_addr_len(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

int gw_format_addr(int family, const void *addr, size_t len,
		   char *buf, size_t buflen)
{
	if (len == 0 || len != gw_addr_len(family))
		return -1;
	return inet_ntop(family, addr, buf, buflen) ? 0 : -1;
}

int gw_format_prefix(const struct gw_prefix *prefix, bool full, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	size_t alen = gw_addr_len(prefix->family);

	if (!alen || prefix->plen > alen * 8 ||
	    gw_format_addr(prefix->family, prefix->addr, alen, addr, sizeof(addr)))
		return -1;
	if (!full && prefix->plen == alen * 8)
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, "%s/%u", addr, prefix->plen);
	return 0;
}

/*
 * A prefix with host bits set is almost always a typo for a different
 * network, so refuse it rather than masking silently.
 */
static int check_host_bits(const char *arg, const struct gw_prefix *prefix,
			   char *err, size_t errlen)
{
	size_t len = gw_addr_len(prefix->family), i;
	char net_str[INET6_ADDRSTRLEN];
	unsigned char net[16];

	for (i = 0; i < len; i++) {
		unsigned int bits = prefix->plen > i * 8 ? prefix->plen - i * 8 : 0;
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff00 >> bits);

		net[i] = prefix->addr[i] & mask;
	}
	if (!memcmp(net, prefix->addr, len))
		return 0;
	inet_ntop(prefix->family, net, net_str, sizeof(net_str));
	return gw_errf(err, errlen, "host bits set in %s, did you mean %s/%u?",
		    arg, net_str, prefix->plen);
}

int gw_parse_prefix(const char *arg, struct gw_prefix *prefix,
		    char *err, size_t errlen)
{
	const char *slash = strchr(arg, '/');
	size_t alen = slash ? (size_t)(slash - arg) : strlen(arg);
	char addr[INET6_ADDRSTRLEN];
	unsigned int max_plen;
	uint64_t plen;

	memset(prefix, 0, sizeof(*prefix));
	if (alen == 0 || alen >= sizeof(addr))
		return gw_errf(err, errlen, "\"%s\" is not an IPv4 or IPv6 prefix.", arg);
	memcpy(addr, arg, alen);
	addr[alen] = '\0';

	if (inet_pton(AF_INET, addr, prefix->addr) == 1)
		prefix->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, prefix->addr) == 1)
		prefix->family = AF_INET6;
	else
		return gw_errf(err, errlen, "\"%s\" is not an IPv4 or IPv6 prefix.", arg);

	max_plen = gw_addr_len(prefix->family) * 8;
	prefix->plen = max_plen;
	if (slash) {
		if (parse_decimal(slash + 1, strlen(slash + 1), &plen) || plen > max_plen)
			return gw_errf(err, errlen,
				    "invalid prefix length in \"%s\" (%s allows 0-%u).",
				    arg, prefix->family == AF_INET ? "IPv4" : "IPv6",
				    max_plen);
		prefix->plen = plen;
	}
	return check_host_bits(arg, prefix, err, errlen);
}

static int parse_port(const char *s, size_t len, const char *spec,
		      uint16_t *port, char *err, size_t errlen)
{
	uint64_t v;
	int ret = parse_decimal(s, len, &v);

	if (ret == -EINVAL)
		return gw_errf(err, errlen, "invalid port \"%.*s\" in \"%s\".",
			    (int)len, s, spec);
	if (ret == -ERANGE || v < 1 || v > 65535)
		return gw_errf(err, errlen, "port %.*s is out of range (1-65535).",
			    (int)len, s);
	*port = v;
	return 0;
}

/* One comma-separated element: "P" or "P-Q". */
static int parse_port_range(const char *s, size_t len, const char *spec,
			    struct gw_port_range *range, char *err, size_t errlen)
{
	const char *dash = memchr(s, '-', len);
	size_t first_len = dash ? (size_t)(dash - s) : len;

	if (parse_port(s, first_len, spec, &range->first, err, errlen))
		return -1;
	range->last = range->first;
	if (dash && parse_port(dash + 1, len - first_len - 1, spec, &range->last,
			       err, errlen))
		return -1;
	if (range->first > range->last)
		return gw_errf(err, errlen,
			    "port range %.*s is backwards: the first port must not exceed the last.",
			    (int)len, s);
	return 0;
}

int gw_parse_ports(const char *arg, struct gw_ports *ports,
		   char *err, size_t errlen)
{
	const char *p = arg;

	memset(ports, 0, sizeof(*ports));
	for (;;) {
		size_t len = strcspn(p, ",");

		if (ports->count == GW_RULE_MAX_PORT_RANGES)
			return gw_errf(err, errlen,
				    "too many port ranges in \"%s\" (at most %d).",
				    arg, GW_RULE_MAX_PORT_RANGES);
		if (parse_port_range(p, len, arg, &ports->range[ports->count],
				     err, errlen))
			return -1;
		ports->count++;
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

/* The kernel's dev_valid_name() rules: a name breaking them never matches. */
int gw_parse_ifname(const char *arg, char *err, size_t errlen)
{
	size_t len = strlen(arg), i;

	if (len >= GW_IFNAMSIZ)
		return gw_errf(err, errlen,
			    "interface name \"%s\" is too long (at most %d characters).",
			    arg, GW_IFNAMSIZ - 1);
	if (len == 0 || !strcmp(arg, ".") || !strcmp(arg, ".."))
		return gw_errf(err, errlen, "\"%s\" is not a valid interface name.", arg);
	for (i = 0; i < len; i++) {
		if (arg[i] == '/' || arg[i] == ':' || isspace((unsigned char)arg[i]))
			return gw_errf(err, errlen,
				    "\"%s\" is not a valid interface name.", arg);
	}
	return 0;
}

/* "N/S" of max-src-conn-rate: N new connections in S seconds per source. */
int gw_parse_src_rate(const char *arg, uint32_t *conns, uint32_t *seconds,
		      char *err, size_t errlen)
{
	const char *slash = strchr(arg, '/');
	char num[16];
	uint64_t n, sec;

	if (!slash || slash == arg || (size_t)(slash - arg) >= sizeof(num)) {
		snprintf(err, errlen,
			 "max-src-conn-rate must be N/S (N connections in S seconds)");
		return -1;
	}
	memcpy(num, arg, (size_t)(slash - arg));
	num[slash - arg] = '\0';
	if (gw_parse_uint("max-src-conn-rate connections", num, 1, GW_SRC_CONN_MAX,
			  &n, err, errlen) ||
	    gw_parse_uint("max-src-conn-rate seconds", slash + 1, 1,
			  GW_SRC_RATE_SECONDS_MAX, &sec, err, errlen))
		return -1;
	*conns = (uint32_t)n;
	*seconds = (uint32_t)sec;
	return 0;
}

/* Whole seconds, a point and at most three decimals: no sign, no exponent. */
int gw_parse_interval(const char *what, const char *arg, uint32_t *ms,
		      char *err, size_t errlen)
{
	const char *point = strchr(arg, '.');
	size_t whole = point ? (size_t)(point - arg) : strlen(arg);
	size_t frac = point ? strlen(point + 1) : 0;
	uint64_t sec, part = 0;
	unsigned int i;
	int ret;

	ret = parse_decimal(arg, whole, &sec);
	if (ret == -EINVAL ||
	    (point && (frac == 0 || frac > 3 || parse_decimal(point + 1, frac, &part))))
		return gw_errf(err, errlen,
			       "invalid %s \"%s\": expected seconds, such as 1 or 0.5.",
			       what, arg);
	for (i = frac; i < 3; i++)
		part *= 10;
	if (ret || sec > 3600 || sec * 1000 + part < 100 || sec * 1000 + part > 3600000)
		return gw_errf(err, errlen, "%s %s is out of range (0.1-3600 seconds).",
			       what, arg);
	*ms = (uint32_t)(sec * 1000 + part);
	return 0;
}
