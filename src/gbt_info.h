/* SPDX-License-Identifier: MIT */
#ifndef QM_GBT_INFO_H
#define QM_GBT_INFO_H

#include <stddef.h>

#include "algo.h"

/*
 * DigiByte's getmininginfo: the network difficulty of every algorithm
 * (docs/pow.md, mining RPCs). Two shapes exist and both are read: 7.17's
 * flat `difficulty_<name>` fields and 8.22's `difficulties` object keyed by
 * name; the names are the node's (`odo` for Odocrypt). Litecoin-style nodes
 * report one plain `difficulty`, which is the node's only algorithm: it is
 * taken for `fallback` when no per-algorithm field is present.
 */

/*
 * Parses the result object of getmininginfo, or the whole JSON-RPC answer
 * around it (len bytes of JSON text; an answer's error is an error). For
 * each algo_table[i], diffs[i] receives its difficulty, or 0 when the node
 * reports none (or a value that is not a positive finite number). Returns
 * the number of algorithms found (0 is not an error), or -1 with a one-line
 * reason in err when the text is not a JSON object.
 */
int gbt_info_parse_difficulties(const char *json, size_t len, const struct algo *fallback,
				double diffs[], char *err, size_t err_len);

#endif
