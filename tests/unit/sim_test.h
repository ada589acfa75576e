/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmocka glue for tcp_sim: one segment through the tracker with its
 * expected verdict and state, segment builders that return by value, a
 * walk to any state of a real connection, and the list of core bugs the
 * tests found.
 */
#ifndef _GW_TEST_SIM_TEST_H
#define _GW_TEST_SIM_TEST_H

#include "unit.h"
#include "tcp.h"
#include "tcp_sim.h"

#define FIN	GW_TCP_FIN
#define SYN	GW_TCP_SYN
#define RST	GW_TCP_RST
#define PSH	GW_TCP_PSH
#define ACK	GW_TCP_ACK
#define URG	GW_TCP_URG
#define ECE	GW_TCP_ECE
#define CWR	GW_TCP_CWR

#define ORIG	GW_DIR_ORIGINAL
#define REPLY	GW_DIR_REPLY

#define OK	GW_TCP_ACCEPT
#define STALE	GW_TCP_ACCEPT_STALE
#define CLOSE	GW_TCP_ACCEPT_CLOSE
#define BAD	GW_TCP_INVALID
#define OOW	GW_TCP_OUT_OF_WINDOW
#define REOPEN	GW_TCP_REOPEN

#define NO	GW_TCP_NONE
#define SS	GW_TCP_SYN_SENT
#define SR	GW_TCP_SYN_RECV
#define ES	GW_TCP_ESTABLISHED
#define FW	GW_TCP_FIN_WAIT
#define CW	GW_TCP_CLOSE_WAIT
#define LA	GW_TCP_LAST_ACK
#define TW	GW_TCP_TIME_WAIT
#define CL	GW_TCP_CLOSE
#define S2	GW_TCP_SYN_SENT2
#define IG	GW_TCP_S_IGNORE
#define IV	GW_TCP_S_INVALID

static inline bool verdict_passes(enum gw_tcp_verdict v)
{
	return v == GW_TCP_ACCEPT || v == GW_TCP_ACCEPT_STALE ||
	       v == GW_TCP_ACCEPT_CLOSE;
}

/*
 * Show @seg to the tracker and want @want, leaving the state @state; with
 * @deliver, a segment the tracker passes then reaches the other end (one
 * it drops never does).  A verdict that refuses must leave the entry
 * untouched.
 */
static inline void sim_step_at(struct sim *s, const struct sim_seg *seg,
			       enum gw_tcp_verdict want, uint8_t state,
			       bool deliver, int line)
{
	uint8_t before = s->tracked ? s->conn.state : GW_TCP_NONE;
	struct gw_tcp_conn saved = s->conn;
	enum gw_tcp_verdict v = sim_track(s, seg);

	if (v != want || s->conn.state != state)
		fail_msg("line %d: %s in %s: %s -> %s, want %s -> %s\n"
			 "    tracker: %s", line, sim_seg_str(s, seg),
			 gw_tcp_state_name(before), sim_verdict_name(v),
			 gw_tcp_state_name(s->conn.state),
			 sim_verdict_name(want), gw_tcp_state_name(state),
			 sim_conn_str(s));
	if ((v == GW_TCP_INVALID || v == GW_TCP_OUT_OF_WINDOW ||
	     v == GW_TCP_REOPEN) &&
	    memcmp(&saved, &s->conn, sizeof(saved)) != 0)
		fail_msg("line %d: %s refused (%s) but the entry changed\n"
			 "    tracker: %s", line, sim_seg_str(s, seg),
			 sim_verdict_name(v), sim_conn_str(s));
	if (deliver && verdict_passes(v))
		sim_deliver(s, seg);
}

/* Show @segexpr (a struct sim_seg) and check verdict and state. */
#define STEP(s, segexpr, verdict, state)				\
	do {								\
		struct sim_seg step_seg_ = (segexpr);			\
		sim_step_at((s), &step_seg_, (verdict), (state), true,	\
			    __LINE__);					\
	} while (0)

/* The same, but the segment is lost beyond the gateway (or held back). */
#define STEP_HOLD(s, segexpr, verdict, state)				\
	do {								\
		struct sim_seg step_seg_ = (segexpr);			\
		sim_step_at((s), &step_seg_, (verdict), (state), false,	\
			    __LINE__);					\
	} while (0)

/* The tracker's verdict alone, the segment delivered if it passed. */
static inline enum gw_tcp_verdict sim_send(struct sim *s,
					   const struct sim_seg *seg)
{
	enum gw_tcp_verdict v = sim_track(s, seg);

	if (verdict_passes(v))
		sim_deliver(s, seg);
	return v;
}

/* Builders by value, for STEP(). */
static inline struct sim_seg mk_syn(struct sim *s, enum gw_dir d)
{
	struct sim_seg g;

	sim_syn(s, d, &g);
	return g;
}

static inline struct sim_seg mk_synack(struct sim *s, enum gw_dir d)
{
	struct sim_seg g;

	sim_synack(s, d, &g);
	return g;
}

static inline struct sim_seg mk_data(struct sim *s, enum gw_dir d,
				     uint32_t n)
{
	struct sim_seg g;

	sim_data(s, d, n, &g);
	return g;
}

static inline struct sim_seg mk_ack(struct sim *s, enum gw_dir d)
{
	struct sim_seg g;

	sim_ack(s, d, &g);
	return g;
}

static inline struct sim_seg mk_fin(struct sim *s, enum gw_dir d)
{
	struct sim_seg g;

	sim_fin(s, d, &g);
	return g;
}

static inline struct sim_seg mk_rst(struct sim *s, enum gw_dir d,
				    bool with_ack)
{
	struct sim_seg g;

	sim_rst(s, d, with_ack, &g);
	return g;
}

/* @g with its flags replaced (PSH, ECE, CWR, URG variants). */
static inline struct sim_seg with_flags(struct sim_seg g, uint8_t flags)
{
	g.flags = flags;
	return g;
}

/*
 * Drive a fresh simulated connection (sim_init() done, options set) to
 * @state the way a real one gets there, checking every step:
 *   SS  the originator's SYN;          S2  then the responder's own SYN;
 *   SR  the SYN-ACK instead;           ES  the final ACK, data both ways;
 *   FW  the originator's FIN;          CW  the responder ACKs it;
 *   LA  the responder's FIN;           TW  the originator's last ACK;
 *   CL  ESTABLISHED, then the originator's exact RST.
 */
static inline void sim_to_state(struct sim *s, uint8_t state)
{
	STEP(s, mk_syn(s, ORIG), OK, SS);
	if (state == SS)
		return;
	if (state == S2) {
		STEP(s, mk_syn(s, REPLY), OK, S2);
		return;
	}
	STEP(s, mk_synack(s, REPLY), OK, SR);
	if (state == SR)
		return;
	STEP(s, mk_ack(s, ORIG), OK, ES);
	STEP(s, mk_data(s, ORIG, 100), OK, ES);
	STEP(s, mk_data(s, REPLY, 300), OK, ES);
	STEP(s, mk_ack(s, ORIG), OK, ES);
	if (state == ES)
		return;
	if (state == CL) {
		STEP(s, mk_rst(s, ORIG, true), OK, CL);
		return;
	}
	STEP(s, mk_fin(s, ORIG), OK, FW);
	if (state == FW)
		return;
	STEP(s, mk_ack(s, REPLY), OK, CW);
	if (state == CW)
		return;
	STEP(s, mk_fin(s, REPLY), OK, LA);
	if (state == LA)
		return;
	STEP(s, mk_ack(s, ORIG), OK, TW);
	if (state != TW)
		fail_msg("sim_to_state: no way to %s", gw_tcp_state_name(state));
}

/* ---- core bugs found by these tests ------------------------------------- */

/*
 * Each is reported to the lead with a proposed fix; the core is not ours
 * to edit.  A test that meets one checks for the correct behaviour, but
 * while the bug is marked open in bug_open[] it accepts the wrong one
 * instead (and says so) and stops there.  When the core is fixed, the test
 * fails until the mark is dropped, so the list cannot go stale.  Build
 * with "make check KNOWN_BUGS=fail" to see every open bug fail.  A case
 * that stops on an open bug prints "[  XFAIL   ]" and run_unit.sh counts it
 * as an expected failure (xfail), never as a pass.
 */
enum gw_known_bug {
	BUG_SYNACK_POISON = 1,	/* a refused SYN-ACK still sets the window */
	BUG_TFO_REPLY_DATA,	/* responder's data before the final ACK */
	BUG_RST_IN_WINDOW,	/* a non-exact in-window RST closes */
	BUG_STALE_SYN_RESYNC,	/* new connection on a stale entry */
	BUG_GSO_PAYLOAD_LEN,	/* payload_len is 16 bits: BIG TCP */
	BUG_STAMP_AFTER_NOW,	/* a fresher stamp than the judge's clock */
	__BUG_MAX,
};

static const char *const known_bugs[__BUG_MAX] = {
	[BUG_SYNACK_POISON] = "an OUT_OF_WINDOW SYN-ACK in SYN_SENT has "
		"already initialised the responder's window state; the real "
		"SYN-ACK is then refused",
	[BUG_TFO_REPLY_DATA] = "the responder's maxend after its SYN-ACK "
		"ignores the window of the originator's SYN: its second "
		"segment before the final ACK (RFC 7413) is OUT_OF_WINDOW",
	[BUG_RST_IN_WINDOW] = "an in-window RST that is not exactly at the "
		"next sequence number moves the flow to CLOSE (10 s) where "
		"RFC 5961 endpoints only send a challenge ACK",
	[BUG_STALE_SYN_RESYNC] = "a SYN on a stale ESTABLISHED entry that "
		"the responder answers with a SYN-ACK is never resynchronised: "
		"the new connection's ACKs are OUT_OF_WINDOW",
	[BUG_GSO_PAYLOAD_LEN] = "payload_len is a u16: a BIG TCP (GRO, "
		"> 64 KiB) segment's end is computed modulo 65536 and its "
		"ACK is OUT_OF_WINDOW",
	[BUG_STAMP_AFTER_NOW] = "a flow a segment stamped at a later tick "
		"than the clock its judge read (the collector, once a slice) "
		"is 2^32 - k ticks old to it: expired under any timeout, and "
		"unlinked while both ends still send",
};

/* Drop a bug's mark here once the core is fixed. */
static const bool bug_open[__BUG_MAX] = {
	[BUG_SYNACK_POISON] = false,
	[BUG_TFO_REPLY_DATA] = false,
	[BUG_RST_IN_WINDOW] = false,
	[BUG_STALE_SYN_RESYNC] = false,
	[BUG_GSO_PAYLOAD_LEN] = false,
	[BUG_STAMP_AFTER_NOW] = false,
};

#ifdef GW_TEST_KNOWN_BUGS_FAIL
#define known_bug_listed(bug) ((void)bug_open, false)
#else
#define known_bug_listed(bug) (bug_open[bug])
#endif

/*
 * @wrong: the core just showed bug @bug.  Returns true when the test should
 * stop there (a listed bug, shown); fails the test for an unlisted bug or a
 * listed one that is gone; returns false to carry on.
 */
static inline bool known_bug_at(enum gw_known_bug bug, bool wrong,
				const char *what, int line)
{
	if (wrong && known_bug_listed(bug)) {
		print_message("[  XFAIL   ] core bug %d (line %d): %s\n"
			      "             %s\n", bug, line, known_bugs[bug],
			      what);
		return true;
	}
	if (wrong)
		fail_msg("line %d: core bug %d: %s\n    %s", line, bug,
			 known_bugs[bug] ? known_bugs[bug] : "", what);
	if (known_bug_listed(bug))
		fail_msg("line %d: core bug %d is fixed: drop its mark from "
			 "bug_open[] in sim_test.h", line, bug);
	return false;
}

#define KNOWN_BUG(bug, wrong, what) known_bug_at((bug), (wrong), (what), \
						 __LINE__)

#endif /* _GW_TEST_SIM_TEST_H */
