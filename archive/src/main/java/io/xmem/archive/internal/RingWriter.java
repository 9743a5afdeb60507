package io.xmem.archive.internal;

import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import org.agrona.concurrent.IdleStrategy;

import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

/**
 * Publishes replayed records into a ring: inline when the record was inline and fits the ring's
 * inline limit, otherwise copied into a buffer of the ring's pool (the smallest class that fits)
 * and published by reference with its timestamp and tag. A replay must not lose what it replays,
 * so it waits while the ring back-pressures, has no subscriber yet, or its pool is empty.
 */
public final class RingWriter implements AutoCloseable {
    private final Ring ring;
    private final Publication publication;
    private final BufferPool pool;
    private final IdleStrategy idle;
    private final BooleanSupplier running;

    public RingWriter(Ring ring, IdleStrategy idle, BooleanSupplier running) {
        this.ring = ring;
        this.publication = ring.publication();
        this.pool = ring.pool();
        this.idle = idle;
        this.running = running;
    }

    /** Publishes one record; false when stopped before the ring took it. */
    public boolean publish(MemorySegment payload, boolean inline, long timestamp, long tag) {
        if (inline && payload.byteSize() <= publication.maxInlineLength()) {
            return await(() -> publication.offer(payload));
        }
        long token = acquire(payload.byteSize());
        if (token == BufferPool.NO_TOKEN) {
            return false;
        }
        try {
            MemorySegment.copy(payload, 0, pool.segment(token), 0, payload.byteSize());
            return await(() -> publication.offer(token, 0, payload.byteSize(), timestamp, tag));
        } finally {
            pool.releaseToken(token); // the ring pinned it if it took it
        }
    }

    private long acquire(long length) {
        if (pool == null || length > pool.maxBufferSize()) {
            throw new XmemException("ring '" + ring.name() + "' cannot take a record of " + length + " bytes: "
                + (pool == null ? "it has no pool (inline only, up to " + publication.maxInlineLength() + " bytes)"
                : "its pool's largest buffer is " + pool.maxBufferSize() + " bytes") + "; replay into a ring whose "
                + "pool has a size class that large");
        }
        long token;
        while ((token = pool.tryAcquireToken(Math.max(1, length))) == BufferPool.NO_TOKEN) {
            if (!running.getAsBoolean()) {
                return BufferPool.NO_TOKEN;
            }
            idle.idle(); // subscribers still hold every buffer of that class
        }
        idle.reset();
        return token;
    }

    private interface Offer {
        long offer();
    }

    private boolean await(Offer offer) {
        long result;
        while ((result = offer.offer()) < 0) {
            if (result == Publication.CLOSED) {
                throw new XmemException("ring '" + ring.name() + "' was closed under the replay");
            }
            if (!running.getAsBoolean()) {
                return false;
            }
            idle.idle(); // back-pressured, or nobody subscribed yet: a replay waits
        }
        idle.reset();
        return true;
    }

    @Override
    public void close() {
        publication.close();
    }
}
