/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_NAMES_H
#define _GW_CORE_NAMES_H

#include "types.h"
#include "gatewarden.h"

/*
 * The name of counter @id (enum gw_counter), as "gwctl stats" prints it
 * and GW_CMD_NAMES_GET sends it; NULL past the last counter.  The TCP
 * states' names are the tracker's: gw_tcp_state_name(), core/tcp.h.
 */
const char *gw_counter_name(unsigned int id);

#endif /* _GW_CORE_NAMES_H */
