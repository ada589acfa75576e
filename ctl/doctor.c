// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl doctor: the host around the firewall, checked.  Each finding is
 * one line: what is wrong, what to change and why.  Exit status 0 when
 * nothing was found, 1 when something was (the module not loaded is a
 * finding: the host's settings are still checked).
 * Reads sysctls of the namespace it runs in, the module's zones, counters
 * and policy, and /etc/gatewarden/gatewarden.rules.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "sample.h"

#define DOCTOR_MAX_ZONES 64
#define DOCTOR_RULES "/etc/gatewarden/gatewarden.rules"

struct doctor {
	struct print_list list;
	unsigned int warnings;
	unsigned int nzones;
	struct {
		char name[GW_IFNAMSIZ];
		uint8_t zone;
	} zones[DOCTOR_MAX_ZONES];
	bool has_wan, has_lan;
};

static void warn(struct doctor *d, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct doctor *d, const char *check, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->warnings++;
	print_list_item(&d->list);
	print_open_object(NULL);
	print_str("check", "warning: %s: ", check);
	print_str("message", "%s\n", msg);
	print_close_object();
}

/* A sysctl's integer value, or -1 when it cannot be read. */
static long sysctl_get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static long sysctl_get(const char *fmt, ...)
{
	char path[256], buf[32];
	va_list ap;
	FILE *f;
	long v = -1;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

static int zone_cb(const struct nlmsghdr *nlh, void *data)
{
	struct doctor *d = data;
	struct gw_iface_entry e;

	if (gw_iface_decode(nlh, &e) != MNL_CB_OK)
		return MNL_CB_ERROR;
	if (d->nzones == DOCTOR_MAX_ZONES)
		return MNL_CB_OK;
	snprintf(d->zones[d->nzones].name, GW_IFNAMSIZ, "%s", e.ifname);
	d->zones[d->nzones].zone = e.zone;
	if (d->zones[d->nzones].zone == GW_ZONE_WAN)
		d->has_wan = true;
	else
		d->has_lan = true;
	d->nzones++;
	return MNL_CB_OK;
}

/* Host settings that must be off on a gateway, and why. */
static const struct {
	const char *path;
	const char *tag;
	const char *why;
} host_off[] = {
	{ "/proc/sys/net/ipv4/conf/all/accept_source_route", "accept_source_route",
	  "net.ipv4.conf.all.accept_source_route is on: set it to 0, a source-routed packet chooses its own path through this gateway" },
	{ "/proc/sys/net/ipv6/conf/all/accept_source_route", "accept_source_route",
	  "net.ipv6.conf.all.accept_source_route is on: set it to 0, a source-routed packet chooses its own path through this gateway" },
};

/*
 * Does wan interface @name take ICMP redirects, as the kernel decides it?
 * IPv4 (IN_DEV_RX_REDIRECTS): "all" and the interface's both on when it
 * forwards, either when it does not.  IPv6 (rt6_do_redirect()): the
 * interface's alone, never while it forwards; "all" does not reach an
 * interface that already exists.
 */
static void check_redirects(struct doctor *d, const char *name)
{
	long all4 = sysctl_get("/proc/sys/net/ipv4/conf/all/accept_redirects");
	long dev4 = sysctl_get("/proc/sys/net/ipv4/conf/%s/accept_redirects", name);
	long fwd4 = sysctl_get("/proc/sys/net/ipv4/conf/%s/forwarding", name);
	long dev6 = sysctl_get("/proc/sys/net/ipv6/conf/%s/accept_redirects", name);
	long fwd6 = sysctl_get("/proc/sys/net/ipv6/conf/%s/forwarding", name);
	bool on4 = fwd4 > 0 ? all4 > 0 && dev4 > 0 : all4 > 0 || dev4 > 0;

	if (on4)
		warn(d, "accept_redirects",
		     "wan interface %s accepts ICMP redirects: set net.ipv4.conf.all.accept_redirects=0 and net.ipv4.conf.%s.accept_redirects=0 (and .default), a redirect from outside could reroute this gateway's traffic",
		     name, name);
	if (dev6 > 0 && fwd6 == 0)
		warn(d, "accept_redirects",
		     "wan interface %s accepts ICMPv6 redirects: set net.ipv6.conf.%s.accept_redirects=0 (and .default; .all does not reach an existing interface), a redirect from outside could reroute this gateway's traffic",
		     name, name);
}

/*
 * With no wan zone known (no module, or no zone yet) there is no interface
 * to judge: "all" says what the host means.
 */
static const struct {
	const char *path;
	const char *why;
} redirects_all[] = {
	{ "/proc/sys/net/ipv4/conf/all/accept_redirects",
	  "net.ipv4.conf.all.accept_redirects is on: set it to 0 (and net.ipv4.conf.default.accept_redirects), an ICMP redirect from outside could reroute this gateway's traffic" },
	{ "/proc/sys/net/ipv6/conf/all/accept_redirects",
	  "net.ipv6.conf.all.accept_redirects is on: set it to 0 (and each interface's, and .default), an ICMPv6 redirect could reroute this gateway's traffic" },
};

static void check_host(struct doctor *d)
{
	size_t i;

	if (sysctl_get("/proc/sys/net/ipv4/tcp_syncookies") == 0)
		warn(d, "tcp_syncookies",
		     "net.ipv4.tcp_syncookies is 0: set it to 1, so that a SYN flood a rule lets through to this host's own services cannot fill their listen backlog");
	for (i = 0; i < GW_ARRAY_SIZE(host_off); i++)
		if (sysctl_get("%s", host_off[i].path) > 0)
			warn(d, host_off[i].tag, "%s", host_off[i].why);
	/* with wan zones, check_zones() judges each (check_redirects()) */
	if (!d->has_wan)
		for (i = 0; i < GW_ARRAY_SIZE(redirects_all); i++)
			if (sysctl_get("%s", redirects_all[i].path) > 0)
				warn(d, "accept_redirects", "%s", redirects_all[i].why);
}

static void check_zones(struct doctor *d)
{
	long all_rp = sysctl_get("/proc/sys/net/ipv4/conf/all/rp_filter");
	long fwd4 = sysctl_get("/proc/sys/net/ipv4/ip_forward");
	long fwd6 = sysctl_get("/proc/sys/net/ipv6/conf/all/forwarding");
	unsigned int i;

	if (!d->has_wan)
		warn(d, "no_wan",
		     "no interface is in the wan zone: gatewarden filters nothing; add the uplink (gwctl iface add DEV wan, or iface DEV wan in the policy)");
	for (i = 0; i < d->nzones; i++) {
		const char *name = d->zones[i].name;
		long rp;

		if (!if_nametoindex(name)) {
			warn(d, "missing_interface",
			     "zone %s names interface %s, which does not exist: if that is a typo, the real interface is unfiltered (a PPP link that is down is fine)",
			     d->zones[i].zone == GW_ZONE_WAN ? "wan" : "lan", name);
			continue;
		}
		if (d->zones[i].zone != GW_ZONE_WAN)
			continue;
		/* the kernel uses the larger of "all" and the interface's */
		rp = sysctl_get("/proc/sys/net/ipv4/conf/%s/rp_filter", name);
		if (rp >= 0 && all_rp >= 0 && (rp > all_rp ? rp : all_rp) == 0)
			warn(d, "rp_filter",
			     "rp_filter is off on wan interface %s: set net.ipv4.conf.%s.rp_filter=1, so that packets with spoofed inside or impossible sources are dropped",
			     name, name);
		check_redirects(d, name);
	}
	if (d->has_lan && fwd4 == 0 && fwd6 <= 0)
		warn(d, "ip_forward",
		     "there is a lan zone but net.ipv4.ip_forward is 0 (and IPv6 forwarding off): set it to 1, or the LAN cannot reach out through this gateway");
	else if (!d->has_lan && (fwd4 > 0 || fwd6 > 0))
		warn(d, "ip_forward",
		     "this host forwards packets but no interface is in the lan zone: declare the inside interfaces (iface DEV lan), or set net.ipv4.ip_forward=0 if it is no router");
}

/* Loaded, and no module holds it and nothing has a reference. */
static void check_conntrack(struct doctor *d)
{
	long refcnt = sysctl_get("/sys/module/nf_conntrack/refcnt");
	char line[512];
	FILE *f;

	if (refcnt != 0)
		return;
	f = fopen("/proc/modules", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[64], users[256];
		unsigned long size, count;

		if (sscanf(line, "%63s %lu %lu %255s", name, &size, &count, users) == 4 &&
		    !strcmp(name, "nf_conntrack") && count == 0)
			warn(d, "nf_conntrack",
			     "nf_conntrack is loaded but nothing uses it: unload it (modprobe -r nf_conntrack) and keep it from loading; gatewarden tracks connections itself and needs no second table");
	}
	fclose(f);
}

static void check_table(struct doctor *d, const struct gw_sample *s)
{
	uint64_t table_full = s->counter[GW_CTR_DROP_TABLE_FULL];

	if (s->flow_max && (uint64_t)s->flows * 100 >= (uint64_t)s->flow_max * 80)
		warn(d, "table_fill",
		     "the flow table is %" PRIu64 "%% full (%u of %u): raise max_flows (gwctl set max_flows N) or the hashsize module parameter before new connections are dropped",
		     (uint64_t)s->flows * 100 / s->flow_max, s->flows, s->flow_max);
	if (table_full)
		warn(d, "drop_table_full",
		     "%" PRIu64 " packets were dropped because the flow table was full (drop_table_full): raise max_flows, or lower the timeouts of the states that fill it (gwctl conn count)",
		     table_full);
}

static void check_policy_file(struct doctor *d, const char *path)
{
	char why[GW_ERR_MAX + 300];
	int r = gw_policy_compare(path, why, sizeof(why));

	if (r < 0)
		warn(d, "policy_file", "%s", why);
	else if (r > 0)
		warn(d, "policy_file",
		     "the running policy differs from %s (%s): the next boot loads the file; load it now (systemctl reload gatewarden) or save the running one (gwctl save > %s)",
		     path, why, path);
}

int do_doctor(int argc, char **argv)
{
	/* the counters are 9 KiB: not on the stack */
	static struct gw_sample sample;
	struct doctor d = { .list = { .key = "warnings" } };
	const char *path = DOCTOR_RULES;

	if (argc >= 2 && !strcmp(argv[0], "-f")) {
		path = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	/*
	 * Without the module, the host is still worth a look.  Its absence is
	 * the finding, not an error: asked over netlink, the missing family
	 * would print one on stderr (and into the -j document).
	 */
	if (access("/sys/module/gatewarden", F_OK)) {
		warn(&d, "module",
		     "the gatewarden module is not loaded: load it (modprobe gatewarden, or systemctl start gatewarden); nothing is filtered");
		check_host(&d);
		check_conntrack(&d);
		goto out;
	}
	if (gw_nl_talk_quiet(gw_nl_msg(GW_CMD_IFACE_GET, NLM_F_REQUEST | NLM_F_DUMP),
			     zone_cb, &d)) {
		warn(&d, "module",
		     "%s: load it (modprobe gatewarden, or systemctl start gatewarden); nothing is filtered",
		     gw_nl_error_msg());
		check_host(&d);
		check_conntrack(&d);
		goto out;
	}
	if (gw_sample_read(&sample, 0))
		return GW_EXIT_KERNEL;

	check_host(&d);
	check_zones(&d);
	check_conntrack(&d);
	check_table(&d, &sample);
	check_policy_file(&d, path);
out:

	print_list_end(&d.list);
	print_u64("count", d.warnings > 1 ? "%" PRIu64 " warnings\n" :
		  d.warnings ? "%" PRIu64 " warning\n" : "no warnings\n", d.warnings);
	return d.warnings ? GW_EXIT_USAGE : GW_EXIT_OK;
}
