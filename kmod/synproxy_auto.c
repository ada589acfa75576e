// SPDX-License-Identifier: GPL-2.0
/*
 * synproxy auto (the default of every tcp allow rule): the SYN proxy
 * answers a destination's SYNs only while its handshakes in progress are
 * many, as pf's adaptive syncookies do; core/proxy.c has the watermarks.
 * The table's half-open slots (flowtable.c) are what it watches: a slot
 * counts the handshakes to its destination, and while the proxy is
 * engaged for it, points to the entry that counts the SYNs answered and
 * the cookies that came back.  The collector (gc.c) decides when it
 * disengages and sends both events.
 */
#include <linux/kernel.h>

#include "pernet.h"
#include "flowtable.h"
#include "netlink.h"
#include "synproxy_auto.h"
#include "core/proxy.h"

void gw_synproxy_auto_init(struct gw_net *gn)
{
	spin_lock_init(&gn->synproxy_auto.lock);
}

static struct gw_synproxy_engaged *
gw_synproxy_auto_entry(struct gw_net *gn, const struct gw_halfopen_slot *slot)
{
	u8 i = READ_ONCE(slot->proxy_entry);

	return i ? &gn->synproxy_auto.entry[i - 1] : NULL;
}

/* @slot is engaged now: its cookies are good for this epoch and the next. */
static void gw_synproxy_auto_stamp(struct gw_net *gn,
				   struct gw_halfopen_slot *slot)
{
	WRITE_ONCE(slot->proxy_epoch, gw_synproxy_epoch(&gn->synproxy) + 1);
}

/*
 * Engage the proxy for @slot, @key's destination, unless another CPU
 * did; false when every entry is in use.
 */
static bool gw_synproxy_auto_engage(struct gw_net *gn,
				    struct gw_halfopen_slot *slot,
				    const struct gw_flow_key *key, u8 flags)
{
	struct gw_synproxy_auto *sa = &gn->synproxy_auto;
	struct gw_synproxy_engaged *e;
	const union gw_addr *addr;
	bool engaged = true;
	unsigned int i;
	u16 port;

	spin_lock_bh(&sa->lock);
	if (slot->proxy_entry)
		goto out;
	for (i = 0; i < GW_SYNPROXY_AUTO_DSTS && sa->entry[i].slot; i++)
		;
	if (i == GW_SYNPROXY_AUTO_DSTS) {
		engaged = false;
		goto out;
	}
	e = &sa->entry[i];
	gw_key_responder(key, flags, &addr, &port);
	e->addr = *addr;
	e->port = port;
	e->family = key->family;
	e->announced = false;
	atomic_set(&e->answered, 0);
	atomic_set(&e->opened, 0);
	gw_synproxy_auto_stamp(gn, slot);
	/* the entry whole before the collector, reading @slot, sees it */
	smp_store_release(&e->slot, slot);
	WRITE_ONCE(slot->proxy_entry, i + 1);
	atomic_inc(&sa->engaged);
out:
	spin_unlock_bh(&sa->lock);
	/* the collector announces it, and judges it from now on */
	if (engaged)
		gw_gc_kick(gn);
	return engaged;
}

/*
 * A SYN to @key's destination (@flags as its flow would have them, @slot
 * its half-open slot) that a synproxy auto rule allows: does the proxy answer it?  Engages the proxy
 * when the destination's handshakes in progress have reached the high
 * watermark.  @dry: judge without changing anything.
 */
bool gw_synproxy_auto_engaged(struct gw_net *gn, struct gw_halfopen_slot *slot,
			      const struct gw_flow_key *key, u8 flags, bool dry)
{
	struct gw_synproxy_engaged *e = gw_synproxy_auto_entry(gn, slot);

	if (e) {
		if (!dry)
			atomic_inc(&e->answered);
		return true;
	}
	if (!gw_proxy_auto_engage(READ_ONCE(slot->count),
				  gw_tunable(gn, GW_TUN_MAX_HALFOPEN_DST)))
		return false;
	return dry || gw_synproxy_auto_engage(gn, slot, key, flags);
}

/*
 * May an ACK of no flow to @key's destination carry a cookie of ours?
 * Only if the proxy is engaged for it, or was in this key rotation epoch
 * or the last (a cookie is good for two): else it is any ACK of no flow,
 * and costs no hash.
 */
bool gw_synproxy_auto_cookies(struct gw_net *gn, const struct gw_flow_key *key,
			      u8 flags)
{
	struct gw_halfopen_slot *slot = gw_halfopen_slot(gn, key, flags);
	u32 seen = READ_ONCE(slot->proxy_epoch);

	if (READ_ONCE(slot->proxy_entry))
		return true;
	return seen && gw_synproxy_epoch(&gn->synproxy) + 1 - seen <= 1;
}

/* A cookie of the proxy's came back from a client of @key's destination. */
void gw_synproxy_auto_opened(struct gw_net *gn, const struct gw_flow_key *key,
			     u8 flags)
{
	struct gw_halfopen_slot *slot = gw_halfopen_slot(gn, key, flags);
	struct gw_synproxy_engaged *e = gw_synproxy_auto_entry(gn, slot);

	if (e)
		atomic_inc(&e->opened);
}

/* Has the collector engaged destinations to judge? */
bool gw_synproxy_auto_busy(const struct gw_net *gn)
{
	return atomic_read(&gn->synproxy_auto.engaged);
}

static void gw_synproxy_auto_notify(struct gw_net *gn, u8 event,
				    const struct gw_synproxy_engaged *e)
{
	gw_notify_synproxy(gn, event, e->family, &e->addr, e->port);
}

/*
 * The collector, once a second while any destination is engaged:
 * announce the new ones, and disengage those whose last interval says
 * the flood is over.  Counters of a SYN that races the reset of an
 * interval land in one interval or the next, which is all they need.
 */
void gw_synproxy_auto_gc(struct gw_net *gn)
{
	struct gw_synproxy_auto *sa = &gn->synproxy_auto;
	u32 max = gw_tunable(gn, GW_TUN_MAX_HALFOPEN_DST);
	unsigned int i;

	if (!atomic_read(&sa->engaged))
		return;
	for (i = 0; i < GW_SYNPROXY_AUTO_DSTS; i++) {
		struct gw_synproxy_engaged *e = &sa->entry[i];
		struct gw_synproxy_engaged gone;
		u32 answered, opened;

		/*
		 * Only the collector frees an entry, so it needs no lock to
		 * read one; pairs with the release in gw_synproxy_auto_engage()
		 */
		if (!smp_load_acquire(&e->slot))
			continue;
		answered = atomic_xchg(&e->answered, 0);
		opened = atomic_xchg(&e->opened, 0);
		gw_synproxy_auto_stamp(gn, e->slot);
		if (!e->announced) {
			/* a whole interval before it is judged */
			e->announced = true;
			gw_synproxy_auto_notify(gn, GW_EVENT_SYNPROXY_ENGAGED,
						e);
			continue;
		}
		if (!gw_proxy_auto_disengage(READ_ONCE(e->slot->count),
					     answered, opened, max))
			continue;
		spin_lock_bh(&sa->lock);
		WRITE_ONCE(e->slot->proxy_entry, 0);
		gone = *e;
		WRITE_ONCE(e->slot, NULL);
		atomic_dec(&sa->engaged);
		spin_unlock_bh(&sa->lock);
		gw_synproxy_auto_notify(gn, GW_EVENT_SYNPROXY_DISENGAGED,
					&gone);
	}
}
