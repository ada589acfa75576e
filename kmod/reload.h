/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_RELOAD_H
#define _GW_RELOAD_H

struct gw_net;

void gw_reload_apply(struct gw_net *gn);

#endif /* _GW_RELOAD_H */
