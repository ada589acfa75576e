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

/*
 * What every name table (the counters', the TCP states') does: a check
 * that fails the build when a value appended to its UAPI enum (of @count
 * values) has no name, and the one lookup, @none past the table's end.
 */
#define GW_NAMES_COMPLETE(table, count)					\
	_Static_assert(ARRAY_SIZE(table) == (count),			\
		       #table "[] needs one name per value of its enum")
#define GW_NAME_OF(table, id, none)					\
	((id) < ARRAY_SIZE(table) ? (table)[id] : (none))

#endif /* _GW_CORE_NAMES_H */
