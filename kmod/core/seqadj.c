// SPDX-License-Identifier: GPL-2.0
/*
 * The SYN proxy's sequence and timestamp translation: which 32-bit fields
 * of a segment move, and to what (seqadj.h says which and why).  Every
 * length the segment claims is checked before a byte is read: the options
 * are written by whoever is attacking us.
 */
#include "seqadj.h"
#include "parse.h"

#define GW_TCP_MIN_HDR		20
#define GW_TCP_SEQ_OFF		4
#define GW_TCP_ACK_OFF		8

enum {
	GW_TCPOPT_KIND_EOL = 0,
	GW_TCPOPT_KIND_NOP = 1,
	GW_TCPOPT_KIND_SACK = 5,
	GW_TCPOPT_KIND_TS = 8,
};

#define GW_TCPOLEN_SACK_BLOCK	8
#define GW_TCPOLEN_TS		10
#define GW_TS_TSVAL_OFF		2	/* in the timestamps option */
#define GW_TS_TSECR_OFF		6

/*
 * The checksum sums 16-bit words from the start of the segment, so a field
 * at an odd offset straddles three of them and adds to the sum what its
 * value rotated by a byte would at an even one (RFC 1071 2(B), byte order
 * independence).  Linux's seqadj and synproxy hand
 * inet_proto_csum_replace4() the field itself, as if it were at an even
 * offset: senders align SACK and timestamps with NOPs, but nothing makes
 * them, and an odd one would reach its receiver with a bad checksum.
 */
static __be32 gw_seqadj_csum_word(__be32 field, unsigned int off)
{
	u32 v = gw_ntohl(field);

	if (off & 1)
		v = v >> 8 | v << 24;
	return gw_htonl(v);
}

/*
 * Note that the field at @off moves by @delta.  False only when @edits is
 * full, which GW_SEQADJ_MAX_EDITS rules out for a header of at most 60
 * bytes: a guard, not a path.
 */
static bool gw_seqadj_add(struct gw_seqadj_edits *edits, const u8 *th,
			  unsigned int off, u32 delta)
{
	struct gw_seqadj_edit *e;
	__be32 from;

	if (edits->n == GW_SEQADJ_MAX_EDITS)
		return false;
	e = &edits->edit[edits->n++];
	memcpy(&from, th + off, sizeof(from));	/* options are unaligned */
	e->from = from;
	e->to = gw_htonl(gw_ntohl(from) + delta);
	e->csum_from = gw_seqadj_csum_word(e->from, off);
	e->csum_to = gw_seqadj_csum_word(e->to, off);
	e->off = (u8)off;
	return true;
}

/*
 * Walk the options of @th, whose data offset is @end, as a receiver does
 * (Linux's tcp_parse_options()): the SACK edges move by @sack_delta and
 * the timestamps option's field at @ts_field by @ts_delta, a delta of 0
 * meaning none.  An option of a known kind with a length TCP does not
 * allow (SACK other than 2 + 8n with n >= 1, timestamps other than 10) is
 * ignored by receivers, who go on to the next option, and so is it here.
 * A length of 0 or 1, or one running past @end, leaves no way to the next
 * option: receivers stop there, so do we, and say so.
 */
static bool gw_seqadj_options(struct gw_seqadj_edits *edits, const u8 *th,
			      unsigned int end, u32 sack_delta,
			      unsigned int ts_field, u32 ts_delta)
{
	unsigned int i = GW_TCP_MIN_HDR, b, olen;

	while (i < end) {
		u8 kind = th[i];

		if (kind == GW_TCPOPT_KIND_EOL)
			return true;
		if (kind == GW_TCPOPT_KIND_NOP) {
			i++;
			continue;
		}
		if (end - i < 2)
			return false;
		olen = th[i + 1];
		if (olen < 2 || olen > end - i)
			return false;

		if (kind == GW_TCPOPT_KIND_SACK && sack_delta &&
		    olen >= 2 + GW_TCPOLEN_SACK_BLOCK &&
		    (olen - 2) % GW_TCPOLEN_SACK_BLOCK == 0) {
			/* each block: left edge, right edge */
			for (b = i + 2; b < i + olen; b += 4)
				if (!gw_seqadj_add(edits, th, b, sack_delta))
					return false;
		} else if (kind == GW_TCPOPT_KIND_TS && ts_delta &&
			   olen == GW_TCPOLEN_TS) {
			/* every one: a receiver keeps the last */
			if (!gw_seqadj_add(edits, th, i + ts_field, ts_delta))
				return false;
		}
		i += olen;
	}
	return true;
}

/*
 * The fields of the TCP segment at @th, of which @len bytes can be read,
 * that must change for it to cross the proxy in direction @dir, into
 * @edits (fields that would not change are left out).  The module writes
 * each edit->to at th + edit->off and updates the checksum with
 * edit->csum_from and edit->csum_to.
 *
 * False when the segment cannot be walked to its end: a data offset below
 * 20 or beyond @len (then @edits is empty: drop the segment), or an option
 * list that breaks off (a length of 0 or 1, or one running past the data
 * offset).  As in Linux, the options are only walked when they may hold a
 * field to move.  The fields before a break are in @edits, and receivers
 * stop reading options at the same place, so nothing they use is left
 * untranslated; the module may still count or drop such segments, as
 * nf_ct_seq_adjust() fails them.
 */
bool gw_seqadj_tcp(const struct gw_seqadj *adj, enum gw_seqadj_dir dir,
		   const u8 *th, unsigned int len,
		   struct gw_seqadj_edits *edits)
{
	unsigned int doff, ts_field;
	u32 sack_delta, ts_delta;

	edits->n = 0;
	if (len < GW_TCP_MIN_HDR)
		return false;
	doff = (th[12] >> 4) * 4;
	if (doff < GW_TCP_MIN_HDR || doff > len)
		return false;

	if (dir == GW_SEQADJ_TO_SERVER) {
		/* ack, SACK and TSecr mean nothing without ACK */
		if (!(th[13] & GW_TCP_ACK))
			return true;
		if (adj->seq_delta)
			gw_seqadj_add(edits, th, GW_TCP_ACK_OFF,
				      adj->seq_delta);
		sack_delta = adj->seq_delta;
		ts_field = GW_TS_TSECR_OFF;
		ts_delta = adj->ts_delta;
	} else {
		if (adj->seq_delta)
			gw_seqadj_add(edits, th, GW_TCP_SEQ_OFF,
				      -adj->seq_delta);
		/* its SACK blocks are in the client's space */
		sack_delta = 0;
		ts_field = GW_TS_TSVAL_OFF;
		ts_delta = -adj->ts_delta;
	}

	if (!sack_delta && !ts_delta)
		return true;
	return gw_seqadj_options(edits, th, doff, sack_delta, ts_field,
				 ts_delta);
}
