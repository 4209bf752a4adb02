/*
 * ckpt_crc.c: the checkpoint checksum, CRC32-C through DPDK's rte_hash_crc
 * (SSE4.2 crc32 instruction when the CPU has it, DPDK's table otherwise).
 * Kept in its own file so the rest of the format code needs no DPDK header.
 */
#include <rte_hash_crc.h>

#include "ftmb_ckpt_format.h"

uint32_t ftmb_ckpt_crc(const void *buf, size_t len, uint32_t init)
{
	const uint8_t *p = buf;
	/* rte_hash_crc takes a 32-bit length: feed large regions in slices. */
	while (len > 0) {
		uint32_t n = len > (1u << 30) ? (1u << 30) : (uint32_t)len;
		init = rte_hash_crc(p, n, init);
		p += n;
		len -= n;
	}
	return init;
}
