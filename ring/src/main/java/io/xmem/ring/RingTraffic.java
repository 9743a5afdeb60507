package io.xmem.ring;

/**
 * What a ring carried between two positions, read from its log by {@link RingInspection#traffic}:
 * the records, the bytes of their inline payloads, and the bytes of pool buffers their references
 * name, which crossed from publisher to subscribers without being copied. Counted over
 * {@code [from, to)}; {@code from} is later than asked when older records were already overwritten.
 *
 * @param from            where the count starts: a record boundary
 * @param to              where it ends: the tail when the log was read, or the first record that changed
 *                        while it was read
 * @param records         messages, inline or by reference (padding is not counted)
 * @param inlineBytes     payload bytes of the inline messages
 * @param referencedBytes bytes of the buffer ranges the reference records name
 */
public record RingTraffic(long from, long to, long records, long inlineBytes, long referencedBytes) {
}
