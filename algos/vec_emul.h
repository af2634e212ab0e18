/* SPDX-License-Identifier: MIT */
#ifndef QM_VEC_EMUL_H
#define QM_VEC_EMUL_H

/*
 * For the vector vocabularies of ISAs with neither ternary logic nor vector
 * rotates (vec_sse41.h, vec_avx2.h): the rotates and three-input functions
 * built from the two-input ops that header has defined before including
 * this one. Static inline, compiled only in that ISA's files (style.md §1).
 */

static inline VEC vec_emul_xor3(VEC a, VEC b, VEC c)
{
	return VXOR(VXOR(a, b), c);
}

static inline VEC vec_emul_ror32(VEC x, int n)
{
	return VOR(VSRL32(x, n), VSLL32(x, 32 - n));
}

static inline VEC vec_emul_rol32(VEC x, int n)
{
	return VOR(VSLL32(x, n), VSRL32(x, 32 - n));
}

/* Ch(e, f, g) = g ^ (e & (f ^ g)) (FIPS 180-4 §4.1.2). */
static inline VEC vec_emul_ch(VEC e, VEC f, VEC g)
{
	return VXOR(g, VAND(e, VXOR(f, g)));
}

/* Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); b ^ c is the previous SHA-256 round's a ^ b. */
static inline VEC vec_emul_maj(VEC a, VEC b, VEC c)
{
	return VXOR(b, VAND(VXOR(a, b), VXOR(b, c)));
}

#define VXOR3(a, b, c) vec_emul_xor3(a, b, c)
#define VROR32(x, n) vec_emul_ror32(x, n)
#define VROL32(x, n) vec_emul_rol32(x, n)
#define VCH(e, f, g) vec_emul_ch(e, f, g)
#define VMAJ(a, b, c) vec_emul_maj(a, b, c)

#endif
