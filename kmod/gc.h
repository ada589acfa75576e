/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_GC_H
#define _GW_GC_H

struct gw_net;

/* Waking it is gw_gc_kick() (pernet.h), for the table and the lists. */
void gw_gc_init(struct gw_net *gn);
void gw_gc_exit(struct gw_net *gn);

#endif /* _GW_GC_H */
