/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_NETLINK_H
#define _GW_NETLINK_H

int gw_genetlink_init(void);
void gw_genetlink_uninit(void);

#endif /* _GW_NETLINK_H */
