/* SPDX-License-Identifier: MIT */
#ifndef QM_BUILD_ID_H
#define QM_BUILD_ID_H

#include <stddef.h>

/*
 * The GNU build id of the running executable (the linker's
 * .note.gnu.build-id) as lower-case hex into hex (len >= 65 holds any).
 * Returns 0, or -1 when the binary has none (hex is then "").
 */
int build_id_hex(char *hex, size_t len);

#endif
