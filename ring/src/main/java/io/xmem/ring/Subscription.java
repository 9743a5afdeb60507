package io.xmem.ring;

import io.xmem.pool.XmemException;
import io.xmem.ring.internal.RingLog;
import io.xmem.ring.internal.SharedRing;
import io.xmem.ring.internal.SubscriberDescriptor;

import java.lang.foreign.MemorySegment;
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
    /** Liveness probes of the other subscribers cost syscalls: at most this often. */
    private static final long PROBE_INTERVAL_NANOS = 50_000_000L;
    private final Ring ring;
    private final RingLog log;
    private final SharedRing shared;
    private final FileLock lock;
    private final int index;
    private final Message message;
    private final int maxInline;
    private final boolean lossy;
    /** Lossy rings: inline payloads are copied here before delivery. */
    private final MemorySegment scratch;
    private long position;
    /** Sequence number of the next record due. */
    private long expected;
    /** Whether a record numbered {@link #expected} or later has been seen. */
    private boolean started;
    private long lost;
    /** Position at this subscription's last release attempt. */
    private long released;
    /** Whether a buffer reference was passed since then. */
    private boolean passedReference;
    /** Overtaken before the first record: what was missed since joining counts as lost. */
    private boolean lappedBeforeStart;
    private long lastProbe = System.nanoTime() - PROBE_INTERVAL_NANOS;
    private volatile boolean closed; // read by a thread blocked in await()

    Subscription(Ring ring, RingLog log) {
        this.ring = ring;
        this.log = new RingLog(log.ring); // its own flyweight: release batches are per user
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
        this.lossy = shared.layout.lossy();
        this.scratch = lossy ? java.lang.foreign.Arena.ofAuto().allocate(Math.max(maxInline, 1), 8) : null;
        this.message = new Message(shared.pool, shared.sharedPool);
        // Start at the tail: records before it were published before we joined. The count, read
        // after the tail, numbers the first record we must see: the publisher stores the count
        // before the tail, so every record numbered from here on lies at or after this position
        // (the few before it that are numbered lower were published before we joined: skipped).
        this.position = log.tail();
        this.expected = log.counter(io.xmem.ring.internal.RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET);
        log.subscriberPid(index, ProcessHandle.current().pid());
        log.subscriberPosition(index, position);
        log.subscriberState(index, SubscriberDescriptor.STATE_ACTIVE); // release: position first
        // Until the publisher and the other subscribers saw us ACTIVE, they could run a whole
        // log past the tail we read, overwriting and releasing it. Now that we are visible
        // (fence), read the tail again: from here on nobody passes our stored position by more
        // than a log, and whatever was published in between counts as before we joined.
        java.lang.invoke.VarHandle.fullFence();
        position = log.tail();
        expected = log.counter(io.xmem.ring.internal.RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET);
        log.subscriberPosition(index, position);
        log.membershipChanged();
        this.released = position;
    }

    /**
     * Delivers up to {@code limit} records to {@code handler}, in order; returns how many. 0 means
     * nothing new (or the subscription is closed). In a lossy ring, a subscription that was
     * overtaken by a whole log skips to the newest record and adds what it missed to
     * {@link #lostRecords()}.
     */
    public int poll(MessageHandler handler, int limit) {
        if (closed || shared.isClosed()) {
            return 0;
        }
        int delivered = 0;
        long start = position;
        while (delivered < limit) {
            long pos = position;
            long record = log.recordAt(pos);
            if (lossy && log.writeHead() - log.capacity > pos) {
                lapped();
                continue;
            }
            if (log.commitAcquire(record) != pos) {
                break; // not yet published
            }
            int length = log.file.get(ValueLayout.JAVA_INT, record + LENGTH_OFFSET);
            int type = log.file.get(ValueLayout.JAVA_INT, record + TYPE_OFFSET);
            long seq = log.file.get(ValueLayout.JAVA_LONG, record + SEQUENCE_OFFSET);
            boolean validLength = log.fits(pos, length);
            if (type == TYPE_INLINE && validLength && length - HEADER_LENGTH <= maxInline) {
                if (lossy) { // copy first: the bytes may be overwritten while we look at them
                    MemorySegment.copy(log.file, record + HEADER_LENGTH, scratch, 0, length - HEADER_LENGTH);
                    message.wrapInline(pos, scratch, 0, length - HEADER_LENGTH);
                } else {
                    message.wrapInline(pos, log.file, record + HEADER_LENGTH, length - HEADER_LENGTH);
                }
            } else if (isReference(type) && length == REF_RECORD_LENGTH && shared.sharedPool != null) {
                message.wrapReference(pos, type == TYPE_DEVICE_REFERENCE,
                    log.file.get(ValueLayout.JAVA_LONG, record + REF_TOKEN_OFFSET),
                    log.file.get(ValueLayout.JAVA_LONG, record + REF_OFFSET_OFFSET),
                    log.file.get(ValueLayout.JAVA_LONG, record + REF_LENGTH_OFFSET),
                    log.file.get(ValueLayout.JAVA_LONG, record + REF_TIMESTAMP_OFFSET),
                    log.file.get(ValueLayout.JAVA_LONG, record + REF_TAG_OFFSET));
            }
            if (lossy && log.writeHead() - log.capacity > pos) {
                lapped(); // what we read may be torn: discard it
                continue;
            }
            // From here the record is whole (reliable: nobody writes over it before we pass).
            if (!validLength) {
                throw corrupt(pos, "of length " + length + ", which does not fit the log");
            }
            long next = pos + aligned(length);
            if (type == TYPE_PADDING) {
                if ((pos & log.mask) + length != log.capacity) {
                    throw corrupt(pos, "padding that does not end at the end of the log");
                }
                position = next;
                continue;
            }
            if (type == TYPE_INLINE) {
                if (length - HEADER_LENGTH > maxInline) {
                    throw corrupt(pos, "an inline message of " + (length - HEADER_LENGTH) + " bytes");
                }
            } else if (!isReference(type) || length != REF_RECORD_LENGTH || shared.sharedPool == null) {
                throw corrupt(pos, "of type " + type + " and length " + length);
            }
            passedReference |= isReference(type);
            if (!sequenced(seq, pos)) {
                position = next;
                continue;
            }
            message.sequence(seq);
            deliver(handler, next);
            delivered++;
        }
        if (position != start) {
            log.subscriberPosition(index, position); // release: we are done with everything before it
        }
        // If we were the slowest, records we passed may now give their buffers back: at once
        // when we passed a buffer reference, otherwise in batches (every eighth of the log) or
        // when idle, not per inline record; the publisher also releases when it needs the room.
        if (shared.sharedPool != null && position != released
            && (passedReference || position - released >= log.capacity / 8 || position == start)) {
            released = position;
            passedReference = false;
            // Our position store above must be visible before we read the others', or two
            // subscribers finishing together could each think the other behind.
            java.lang.invoke.VarHandle.fullFence();
            long now = System.nanoTime();
            boolean probe = now - lastProbe > PROBE_INTERVAL_NANOS; // a dead subscriber must not pin forever
            if (probe) {
                lastProbe = now;
            }
            long min = log.minSubscriberPosition(probe);
            log.releaseUpTo(min == Long.MAX_VALUE ? position : min);
        }
        return delivered;
    }

    /** Checks a record's sequence against the one expected; counts what a lossy ring skipped. */
    private boolean sequenced(long seq, long pos) {
        if (!started) {
            if (seq < expected) {
                return false; // published just before we joined
            }
            if (!lappedBeforeStart) {
                expected = seq; // where we really start (later if records were released as we joined)
            }
        }
        started = true;
        if (seq != expected) {
            if (!lossy || seq < expected) {
                throw corrupt(pos, "numbered " + seq + " where " + expected + " was due");
            }
            lost += seq - expected;
            log.subscriberLost(index, lost);
        }
        expected = seq + 1;
        return true;
    }

    /** Overtaken in a lossy ring: resume at the newest record; the next one's number says what we lost. */
    private void lapped() {
        lappedBeforeStart |= !started;
        log.addLap();
        position = log.tail();
    }

    /**
     * Records this subscription missed because a lossy ring overtook it, or because a buffer
     * they referred to was released before it could attach. Always 0 in a reliable ring.
     */
    public long lostRecords() {
        return lost;
    }

    private void deliver(MessageHandler handler, long next) {
        long token = 0;
        if (lossy && !message.isInline()) {
            // A lossy ring may drop its pin at any moment: take a reference of our own first.
            token = message.token();
            try {
                shared.pool.attachToken(token);
            } catch (io.xmem.pool.StaleTokenException e) {
                lost++;
                log.subscriberLost(index, lost);
                position = next;
                return;
            }
        }
        try {
            position = next; // the record counts as consumed even if the handler throws
            handler.onMessage(message);
        } finally {
            if (token != 0) {
                shared.pool.releaseToken(token);
            }
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
            if (!shared.layout.wakeups()) { // nobody will wake us: look again in short steps
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, 50_000));
                continue;
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
            log.membershipChanged(); // publishers look at the table again
            SharedRing.unlock(lock);
            if (shared.sharedPool != null) {
                long min = log.minSubscriberPosition(false);
                log.releaseUpTo(min == Long.MAX_VALUE ? log.tail() : min);
            }
        }
        ring.forget(this);
    }
}
