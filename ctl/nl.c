// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl socket, family resolution, request/ack and dump loops, and the
 * translation of netlink errors (with their extended-ack message) into
 * what the user reads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "gatewarden_policy.h"
#include "gwctl.h"
#include "nl.h"
#include "print.h"

/*
 * The types replies are checked against, from the lists the module's
 * policies are expanded from (gatewarden_policy.h): one table a nest,
 * and the policy that names it.
 */
#define GW_MNL_TYPE(type, request)	MNL_TYPE_##type

#define GW_POLICY(policy, name, attrs, max)				\
	static const enum mnl_attr_data_type policy##_types[(max) + 1] = { \
		attrs(GW_MNL_TYPE)					\
	};								\
	const struct gw_policy policy = { name, policy##_types, max }

GW_POLICY(gw_attr_policy, "gw_attr", GW_ATTRS, GW_A_MAX);
GW_POLICY(gw_rule_policy, "gw_rule_attr", GW_RULE_ATTRS, GW_RULE_A_MAX);
GW_POLICY(gw_conn_policy, "gw_conn_attr", GW_CONN_ATTRS, GW_CONN_A_MAX);
GW_POLICY(gw_tcp_peer_policy, "gw_tcp_peer_attr", GW_TCP_PEER_ATTRS,
	  GW_TCP_PEER_A_MAX);
GW_POLICY(gw_tunable_policy, "gw_tunable_attr", GW_TUNABLE_ATTRS,
	  GW_TUNABLE_A_MAX);
GW_POLICY(gw_overload_policy, "gw_overload_attr", GW_OVERLOAD_ATTRS,
	  GW_OVERLOAD_A_MAX);
GW_POLICY(gw_block_policy, "gw_block_attr", GW_BLOCK_ATTRS, GW_BLOCK_A_MAX);
GW_POLICY(gw_name_policy, "gw_name_attr", GW_NAME_ATTRS, GW_NAME_A_MAX);
GW_POLICY(gw_explain_policy, "gw_explain_attr", GW_EXPLAIN_ATTRS,
	  GW_EXPLAIN_A_MAX);
GW_POLICY(gw_trace_policy, "gw_trace_attr", GW_TRACE_ATTRS, GW_TRACE_A_MAX);

/* Requests are a few hundred bytes at most: every input is length-checked. */
#define GW_NL_REQ_SIZE 4096

static struct {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events_group;	/* 0: the module has none */
	uint32_t flows_group;	/* 0: the module has none (too old) */
	/* Outcome of the last exchange: errno and, if known, a better message. */
	int err;
	char msg[256];
	bool reported;		/* the last failure has been reported */
	_Alignas(struct nlmsghdr) char req[GW_NL_REQ_SIZE];
	_Alignas(struct nlmsghdr) char rx[MNL_SOCKET_DUMP_SIZE];
} nl;

static int nl_local_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int nl_local_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl.msg, sizeof(nl.msg), fmt, ap);
	va_end(ap);
	/* A failure must never read as success, whatever errno held. */
	nl.err = err ? err : EIO;
	return -nl.err;
}

int gw_nl_bad_reply(const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	nl_local_error(EPROTO, "malformed reply from the gatewarden module (%s)", what);
	return MNL_CB_ERROR;
}

static void nl_report(void)
{
	if (nl.msg[0])
		print_error(nl.err, "%s", nl.msg);
	else if (nl.err == EPERM)
		print_error(EPERM, "Operation not permitted (gwctl needs CAP_NET_ADMIN)");
	else
		print_error(nl.err, "%s", strerror(nl.err));
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* The extended-ack TLVs start at offset into the payload of an ack or DONE. */
static void nl_extack(const struct nlmsghdr *nlh, size_t offset)
{
	const char *msg = NULL;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, offset, extack_cb, &msg);
	if (msg)
		snprintf(nl.msg, sizeof(nl.msg), "%s", msg);
}

/* err: positive errno the kernel reported, 0 for success. */
static int nl_kernel_status(int err)
{
	if (!err) {
		/* An extack message on success is a warning. */
		if (nl.msg[0]) {
			fflush(stdout);
			fprintf(stderr, "Warning: %s.\n", nl.msg);
			nl.msg[0] = '\0';
		}
		return MNL_CB_STOP;
	}
	nl.err = err;
	return MNL_CB_ERROR;
}

static int nl_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return gw_nl_bad_reply("truncated NLMSG_ERROR");
	/* With NETLINK_CAP_ACK the kernel echoes only our header, not our request. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&e->msg);
	nl_extack(nlh, offset);
	return nl_kernel_status(e->error < 0 ? -e->error : 0);
}

/* A dump that fails after it started reports the error in NLMSG_DONE. */
static int nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	nl_extack(nlh, sizeof(err));
	return nl_kernel_status(err < 0 ? -err : 0);
}

/* Sends nlh as it is and runs the replies; the caller reports failures. */
static int nl_exchange(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	/* Not const: mnl_cb_run2()'s prototype does not take a const array. */
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR]	= nl_error_cb,
		[NLMSG_DONE]	= nl_done_cb,
	};
	ssize_t len;
	int ret;

	nl.err = 0;
	nl.msg[0] = '\0';
	nlh->nlmsg_seq = ++nl.seq;
	if (mnl_socket_sendto(nl.sock, nlh, nlh->nlmsg_len) < 0)
		return nl_local_error(errno, "cannot send to the kernel: %s",
				      strerror(errno));
	do {
		len = mnl_socket_recvfrom(nl.sock, nl.rx, sizeof(nl.rx));
		if (len < 0)
			return nl_local_error(errno, "cannot receive from the kernel: %s",
					      strerror(errno));
		ret = mnl_cb_run2(nl.rx, len, nl.seq, nl.portid, cb, data,
				  ctl_cb, GW_ARRAY_SIZE(ctl_cb));
	} while (ret > MNL_CB_STOP);

	if (ret == MNL_CB_STOP)
		return 0;
	if (nl.err)
		return -nl.err;
	/* libmnl's own checks failed: sequence, port id or NLM_F_DUMP_INTR. */
	if (errno == EINTR)
		return nl_local_error(EINTR,
				      "the list changed while it was being read, try again");
	return nl_local_error(errno, "unexpected netlink reply: %s", strerror(errno));
}

/* One CTRL_ATTR_MCAST_GROUPS entry: remember the events group's id. */
static void family_mcast_group(const struct nlattr *grp)
{
	const struct nlattr *attr;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(attr, grp) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(attr);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(attr);
	}
	if (name && !strcmp(name, GW_GENL_MCGRP_EVENTS))
		nl.events_group = id;
	if (name && !strcmp(name, GW_GENL_MCGRP_FLOWS))
		nl.flows_group = id;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *grp;

	(void)data;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			nl.family = mnl_attr_get_u16(attr);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GROUPS &&
		    mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_for_each_nested(grp, attr)
				family_mcast_group(grp);
	}
	return MNL_CB_OK;
}

static int nl_resolve_family(void)
{
	/* Not nl.req: that may already hold the caller's request. */
	_Alignas(struct nlmsghdr) char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;
	int ret;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, GW_GENL_NAME);

	ret = nl_exchange(nlh, family_cb, NULL);
	if (ret == -ENOENT) {
		print_error(ENOENT, "gatewarden module is not loaded "
			    "(generic netlink family \"%s\" not found)", GW_GENL_NAME);
		return ret;
	}
	if (!ret && !nl.family)
		ret = nl_local_error(EPROTO, "no family id in the reply for \"%s\"",
				     GW_GENL_NAME);
	if (ret)
		nl_report();
	return ret;
}

int gw_nl_open(void)
{
	int one = 1, ret;

	if (nl.sock)
		return 0;
	nl.sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl.sock) {
		ret = nl_local_error(errno, "cannot open a generic netlink socket: %s",
				     strerror(errno));
		nl_report();
		return ret;
	}
	/*
	 * Both are conveniences (messages instead of bare errnos, smaller
	 * acks); a kernel without them still works, so failures are ignored.
	 */
	mnl_socket_setsockopt(nl.sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl.sock, NETLINK_CAP_ACK, &one, sizeof(one));

	if (mnl_socket_bind(nl.sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = nl_local_error(errno, "cannot bind the netlink socket: %s",
				     strerror(errno));
		nl_report();
		gw_nl_close();
		return ret;
	}
	nl.portid = mnl_socket_get_portid(nl.sock);
	nl.seq = time(NULL);

	ret = nl_resolve_family();
	if (ret)
		gw_nl_close();
	return ret;
}

void gw_nl_close(void)
{
	if (nl.sock)
		mnl_socket_close(nl.sock);
	nl.sock = NULL;
}

struct nlmsghdr *gw_nl_msg(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl.req);
	struct genlmsghdr *genl;

	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = GW_GENL_VERSION;
	return nlh;
}

int gw_nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int ret = gw_nl_open();

	if (ret)
		return ret;
	nlh->nlmsg_type = nl.family;
	ret = nl_exchange(nlh, cb, data);
	if (ret)
		nl_report();
	return ret;
}

int gw_nl_talk_quiet(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int ret = gw_nl_open();

	/* gw_nl_open() has said why already */
	nl.reported = ret != 0;
	if (ret)
		return ret;
	nlh->nlmsg_type = nl.family;
	return nl_exchange(nlh, cb, data);
}

const char *gw_nl_error_msg(void)
{
	if (nl.msg[0])
		return nl.msg;
	if (nl.err == EPERM)
		return "Operation not permitted (gwctl needs CAP_NET_ADMIN)";
	return strerror(nl.err);
}

void gw_nl_report(void)
{
	if (!nl.reported)
		nl_report();
}

int gw_nl_list(int argc, char **argv, uint8_t cmd, const char *key, mnl_cb_t cb)
{
	struct print_list list = { .key = key };

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	if (gw_nl_talk(gw_nl_msg(cmd, NLM_F_REQUEST | NLM_F_DUMP), cb, &list))
		return GW_EXIT_KERNEL;
	print_list_end(&list);
	return GW_EXIT_OK;
}

/*
 * Join the family's multicast group @name, whose id (0: none) is *group:
 * a pointer, since gw_nl_open() is what learns it.  The module is told
 * first (GW_CMD_SUBSCRIBE), on this socket: it builds a namespace's
 * events only for that namespace's subscribers, until their socket
 * closes; and no event comes yet to be taken for the reply.
 */
static int nl_subscribe(uint32_t *group, const char *name)
{
	struct nlmsghdr *nlh;
	int ret = gw_nl_open();

	if (ret)
		return ret;
	if (!*group) {
		nl_local_error(EOPNOTSUPP, "the gatewarden module has no \"%s\" group (too old?)",
			       name);
		nl_report();
		return -EOPNOTSUPP;
	}
	nlh = gw_nl_msg(GW_CMD_SUBSCRIBE, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, GW_A_MCGRP, name);
	ret = gw_nl_talk(nlh, NULL, NULL);
	if (ret)
		return ret;
	if (mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP, group, sizeof(*group)) < 0) {
		int err = errno;

		if (err == EPERM)
			ret = nl_local_error(err, "Operation not permitted (gwctl needs CAP_NET_ADMIN)");
		else
			ret = nl_local_error(err, "cannot subscribe to events: %s", strerror(err));
		nl_report();
		return ret;
	}
	return 0;
}

int gw_nl_subscribe_events(void)
{
	return nl_subscribe(&nl.events_group, GW_GENL_MCGRP_EVENTS);
}

int gw_nl_subscribe_flows(void)
{
	return nl_subscribe(&nl.flows_group, GW_GENL_MCGRP_FLOWS);
}

int gw_nl_listen(mnl_cb_t cb, void *data)
{
	ssize_t len;
	int ret;

	for (;;) {
		len = mnl_socket_recvfrom(nl.sock, nl.rx, sizeof(nl.rx));
		if (len < 0 && errno == ENOBUFS) {
			/* the gap in the sequence numbers will show how many */
			fflush(stdout);
			fprintf(stderr, "Warning: events were lost (receive buffer full).\n");
			continue;
		}
		if (len < 0) {
			ret = nl_local_error(errno, "cannot receive from the kernel: %s",
					     strerror(errno));
			nl_report();
			return ret;
		}
		ret = mnl_cb_run(nl.rx, len, 0, 0, cb, data);
		if (ret <= MNL_CB_STOP) {
			if (nl.err)
				nl_report();
			return ret == MNL_CB_STOP ? 0 : -EPROTO;
		}
	}
}

uint8_t gw_nl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	return genl->cmd;
}

struct parse_ctx {
	const struct gw_policy *policy;
	const struct nlattr **tb;
};

static int parse_cb(const struct nlattr *attr, void *data)
{
	const struct parse_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > ctx->policy->max)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, ctx->policy->types[type]) < 0)
		return gw_nl_bad_reply("%s %u has the wrong size", ctx->policy->name, type);
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int gw_nl_parse(const struct nlmsghdr *nlh, const struct gw_policy *policy,
		const struct nlattr **tb)
{
	struct parse_ctx ctx = { policy, tb };

	memset(tb, 0, (policy->max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return gw_nl_bad_reply("message without a genl header");
	return mnl_attr_parse(nlh, GENL_HDRLEN, parse_cb, &ctx) < 0 ? MNL_CB_ERROR : 0;
}

int gw_nl_parse_nest(const struct nlattr *nest, const struct gw_policy *policy,
		     const struct nlattr **tb)
{
	struct parse_ctx ctx = { policy, tb };

	memset(tb, 0, (policy->max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, parse_cb, &ctx) < 0 ? MNL_CB_ERROR : 0;
}

int gw_nl_parse_item(const struct nlmsghdr *nlh, uint16_t nest_type,
		     const struct gw_policy *policy, const struct nlattr **tb,
		     const char *missing)
{
	const struct nlattr *atb[GW_A_MAX + 1];

	if (gw_nl_parse(nlh, &gw_attr_policy, atb))
		return MNL_CB_ERROR;
	if (!atb[nest_type])
		return gw_nl_bad_reply("%s", missing);
	return gw_nl_parse_nest(atb[nest_type], policy, tb);
}

int gw_nl_need(const struct nlattr **tb, const uint16_t *need, const char *what)
{
	for (; *need; need++)
		if (!tb[*need])
			return gw_nl_bad_reply("%s", what);
	return 0;
}
