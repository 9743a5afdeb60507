package io.xmem.perf.minimal;

import io.xmem.pool.BufferPool;
import io.xmem.ring.ExclusivePublication;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * xmem's ring as its README shows it: {@code offer(MemorySegment)} of a message the publisher built
 * (one copy into the log), or with {@code referenceSize} > 0 a pool buffer by reference: acquire a
 * token, write the header into the buffer, {@code offer(token, ...)}, give the handle back (the
 * ring's pin keeps the buffer). The buffers' contents are written once at start, as a producer
 * renders a frame where it is read. The subscriber reads in place with {@link Message#getLong}.
 */
final class XmemLink extends ReceivedMessages {
    private final Ring ring;
    private final BufferPool pool;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final MemorySegment message;
    private final int referenceSize;
    private final MessageHandler handler = this::onMessage;

    private XmemLink(String ring, Path directory, boolean publisher, int referenceSize) {
        this.ring = Ring.open(ring, directory);
        this.pool = this.ring.pool();
        this.referenceSize = referenceSize;
        this.publication = publisher ? this.ring.publication() : null;
        this.subscription = publisher ? null : this.ring.subscription();
        this.message = Arena.ofAuto().allocate(LENGTH, 8);
        if (publisher && referenceSize > 0) {
            fillPool();
        }
    }

    static XmemLink publisher(String ring, Path directory, int referenceSize) {
        return new XmemLink(ring, directory, true, referenceSize);
    }

    static XmemLink subscriber(String ring, Path directory) {
        return new XmemLink(ring, directory, false, 0);
    }

    /** Touches every buffer once, so no measured message is a buffer's first use in this process. */
    private void fillPool() {
        long[] held = new long[4096];
        int n = 0;
        long token;
        while (n < held.length && (token = pool.tryAcquireToken(referenceSize)) != BufferPool.NO_TOKEN) {
            pool.segment(token).fill((byte) n);
            held[n++] = token;
        }
        for (int i = 0; i < n; i++) {
            pool.releaseToken(held[i]);
        }
    }

    @Override
    public boolean send(long stamp, long sequence) {
        if (referenceSize == 0) {
            message.set(ValueLayout.JAVA_LONG_UNALIGNED, STAMP_OFFSET, stamp);
            message.set(ValueLayout.JAVA_LONG_UNALIGNED, SEQUENCE_OFFSET, sequence);
            return publication.offer(message) > 0;
        }
        long token = pool.tryAcquireToken(referenceSize);
        if (token == BufferPool.NO_TOKEN) {
            return false; // every buffer is still pinned by records the subscriber has not passed
        }
        try {
            MemorySegment buffer = pool.segment(token);
            buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, STAMP_OFFSET, stamp);
            buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, SEQUENCE_OFFSET, sequence);
            return publication.offer(token, 0, referenceSize, 0, sequence) > 0;
        } finally {
            pool.releaseToken(token);
        }
    }

    @Override
    public int poll(int limit) {
        return subscription.poll(handler, limit);
    }

    private void onMessage(Message m) {
        received(m.getLong(STAMP_OFFSET), m.getLong(SEQUENCE_OFFSET), m.getLong(m.length() - Long.BYTES));
    }

    @Override
    public void close() {
        if (publication != null) {
            publication.close();
        }
        if (subscription != null) {
            subscription.close();
        }
        ring.close();
    }
}
