// SPDX-License-Identifier: GPL-2.0
/*
 * The module's side of the core parser: headers are read from the skb with
 * skb_header_pointer(), so a header split across fragments is copied and a
 * short packet yields NULL instead of a read past its end.
 */
#include <linux/skbuff.h>

#include "core/parse.h"

const void *gw_header_pointer(const void *data, unsigned int offset,
			      unsigned int len, void *buffer)
{
	const struct sk_buff *skb = data;

	return skb_header_pointer(skb, skb_network_offset(skb) + offset, len,
				  buffer);
}
