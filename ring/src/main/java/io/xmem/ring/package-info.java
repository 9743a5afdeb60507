/**
 * Aeron-style shared-memory rings of inline messages and references to pool buffers: the public
 * API.
 *
 * <p>{@link io.xmem.ring.Ring} creates or opens a ring; an {@link io.xmem.ring.ExclusivePublication}
 * (one thread, no atomics) or {@link io.xmem.ring.ConcurrentPublication}s (many threads and
 * processes) write it, with {@link io.xmem.ring.RecordClaim} for in-place writes;
 * {@link io.xmem.ring.Subscription}s read it, each at its own pace, and hand each record to a
 * {@link io.xmem.ring.MessageHandler} as a {@link io.xmem.ring.Message}.
 * {@link io.xmem.ring.RingInspection} looks at a ring from outside. The file format and the
 * protocol are {@code ring/LAYOUT.md}.
 */
package io.xmem.ring;
