package io.xmem.ring;

import io.xmem.pool.XmemException;
import io.xmem.ring.internal.RingLog;
import io.xmem.ring.internal.SharedRing;
import io.xmem.ring.internal.SubscriberDescriptor;

import java.lang.foreign.ValueLayout;
import java.nio.channels.FileLock;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * A reader of a ring with a position of its own: every subscription sees every record
 * published after it joined, in order, at its own pace; the publisher waits for the slowest
 * live one. Used by one thread.
 *
 * <pre>{@code
 * try (Subscription sub = ring.subscription()) {
 *     while (running) {
 *         if (sub.poll(msg -> use(msg.segment()), 16) == 0) {
 *             Thread.onSpinWait();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Its entry in the ring's subscriber table is held by an OS lock: if the process dies, the
 * publisher stops waiting for it.
 */
public final class Subscription implements AutoCloseable {
    private final Ring ring;
    private final RingLog log;
    private final SharedRing shared;
    private final FileLock lock;
    private final int index;
    private final Message message;
    private final int maxInline;
    private long position;
    private volatile boolean closed; // read by a thread blocked in await()

    Subscription(Ring ring, RingLog log) {
        this.ring = ring;
        this.log = log;
        this.shared = log.ring;
        FileLock taken = null;
        int at = -1;
        for (int i = 0; i < shared.layout.maxSubscribers() && taken == null; i++) {
            taken = shared.tryLock(i, false);
            at = i;
        }
        if (taken == null) {
            throw new XmemException("ring '" + shared.name + "' already has " + shared.layout.maxSubscribers()
                + " live subscribers (its maxSubscribers): close one, or recreate the ring with a higher "
                + "RingConfig.maxSubscribers");
        }
        this.lock = taken;
        this.index = at;
        this.maxInline = shared.layout.maxInlineLength();
        this.message = new Message(log.file, shared.pool, shared.sharedPool);
        // Start at the tail: records before it were published before we joined.
        this.position = log.tail();
        log.subscriberPid(index, ProcessHandle.current().pid());
        log.subscriberPosition(index, position);
        log.subscriberState(index, SubscriberDescriptor.STATE_ACTIVE); // release: position first
    }

    /**
     * Delivers up to {@code limit} records to {@code handler}, in order; returns how many. 0 means
     * nothing new (or the subscription is closed).
     */
    public int poll(MessageHandler handler, int limit) {
        if (closed || shared.isClosed()) {
            return 0;
        }
        int delivered = 0;
        long start = position;
        long pos = position;
        while (delivered < limit) {
            long record = log.recordAt(pos);
            if (log.commitAcquire(record) != pos) {
                break; // not yet published
            }
            int length = log.checkedLength(record, pos);
            int type = log.file.get(ValueLayout.JAVA_INT, record + TYPE_OFFSET);
            switch (type) {
                case TYPE_PADDING -> {
                    if ((pos & log.mask) + length != log.capacity) {
                        throw corrupt(pos, "padding that does not end at the end of the log");
                    }
                }
                case TYPE_INLINE -> {
                    if (length - HEADER_LENGTH > maxInline) {
                        throw corrupt(pos, "an inline message of " + (length - HEADER_LENGTH) + " bytes");
                    }
                    message.wrapInline(pos, record + HEADER_LENGTH, length - HEADER_LENGTH);
                    deliver(handler, pos + aligned(length));
                    delivered++;
                }
                case TYPE_REFERENCE -> {
                    if (length != REF_RECORD_LENGTH || shared.sharedPool == null) {
                        throw corrupt(pos, "a buffer reference of length " + length);
                    }
                    message.wrapReference(pos, log.file.get(ValueLayout.JAVA_LONG, record + REF_TOKEN_OFFSET),
                        log.file.get(ValueLayout.JAVA_LONG, record + REF_OFFSET_OFFSET),
                        log.file.get(ValueLayout.JAVA_LONG, record + REF_LENGTH_OFFSET),
                        log.file.get(ValueLayout.JAVA_LONG, record + REF_TIMESTAMP_OFFSET),
                        log.file.get(ValueLayout.JAVA_LONG, record + REF_TAG_OFFSET));
                    deliver(handler, pos + aligned(length));
                    delivered++;
                }
                default -> throw corrupt(pos, "unknown record type " + type);
            }
            pos += aligned(length);
            position = pos;
        }
        if (pos != start) {
            log.subscriberPosition(index, pos); // release: we are done with everything before it
            if (shared.sharedPool != null) {
                // If we were the slowest, the records we just passed may now be released.
                log.releaseUpTo(log.minSubscriberPosition(false));
            }
        }
        return delivered;
    }

    private void deliver(MessageHandler handler, long next) {
        try {
            handler.onMessage(message);
        } catch (RuntimeException | Error e) {
            // The record counts as consumed: a handler that throws does not see it again.
            position = next;
            log.subscriberPosition(index, next);
            throw e;
        }
    }

    private CorruptRingException corrupt(long pos, String what) {
        return new CorruptRingException("ring '" + shared.name + "': record at position " + pos + " is " + what
            + "; the ring was damaged");
    }

    /**
     * Blocks until a record is ready for this subscription, the subscription is closed (from
     * another thread), or {@code timeout} passes; returns whether a record is ready. Sleeps on a
     * futex word in the ring (0 % CPU) and is woken by the publisher's commit, so a consumer
     * at 60 frames per second costs nothing between frames and still wakes within
     * microseconds. Without futex support it parks in short steps.
     *
     * <pre>{@code
     * while (running) {
     *     if (sub.await(Duration.ofSeconds(1))) sub.poll(handler, 16);
     * }
     * }</pre>
     */
    public boolean await(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (ready()) {
                return true;
            }
            if (closed || shared.isClosed()) {
                return false;
            }
            int sequence = log.wakeSequence();
            log.addSleeper(1);
            try {
                if (ready()) { // checked after registering: a commit now either shows here or wakes us
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                log.sleep(sequence, left);
            } finally {
                log.addSleeper(-1);
            }
        }
    }

    /** Whether the record at this subscription's position is committed. */
    private boolean ready() {
        return !closed && !shared.isClosed() && log.commitAcquire(log.recordAt(position)) == position;
    }

    /** The position of the next record this subscription will deliver. */
    public long position() {
        return position;
    }

    /** Leaves the ring: the publisher stops waiting for this subscription. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!shared.isClosed()) {
            log.wakeAll(); // a thread blocked in await() returns
            log.subscriberState(index, SubscriberDescriptor.STATE_EMPTY);
            SharedRing.unlock(lock);
            if (shared.sharedPool != null) {
                long min = log.minSubscriberPosition(false);
                log.releaseUpTo(min == Long.MAX_VALUE ? log.tail() : min);
            }
        }
        ring.forget(this);
    }
}
