/* SPDX-License-Identifier: MIT */
/*
 * dl_iterate_phdr is a GNU extension. This file includes no header that
 * pulls in <sched.h>: -Isrc would find src/sched.h (the scheduler) instead.
 */
#define _GNU_SOURCE
#include "build_id.h"

#include <link.h>
#include <stdint.h>
#include <string.h>

#include "hex.h"

#define BUILD_ID_MAX 32

struct build_id_out {
	char *hex;
	size_t len;
	int found;
};

/* dl_iterate_phdr callback: the first object is the executable; its PT_NOTE segments. */
static int build_id_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct build_id_out *out = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum && !out->found; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		const uint8_t *end = p + ph->p_memsz;
		/* ELF notes: namesz, descsz, type, then name and desc, each 4-byte aligned. */
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const uint8_t *name = p + sizeof(*nh);
			const uint8_t *desc = name + ((nh->n_namesz + 3) & ~3u);
			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && nh->n_descsz && nh->n_descsz <= BUILD_ID_MAX &&
			    out->len > 2 * nh->n_descsz) {
				hex_encode(desc, nh->n_descsz, out->hex);
				out->found = 1;
				break;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* the executable only */
}

int build_id_hex(char *hex, size_t len)
{
	struct build_id_out out = { .hex = hex, .len = len };

	if (len)
		hex[0] = '\0';
	dl_iterate_phdr(build_id_cb, &out);
	return out.found ? 0 : -1;
}
