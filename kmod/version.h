/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_VERSION_H
#define _GW_VERSION_H

#define GW_VERSION "0.1.0"

#endif /* _GW_VERSION_H */
