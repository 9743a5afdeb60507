package io.xmem.ring.internal;

import io.xmem.ring.CorruptRingException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileLock;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * Flyweight over a mapped ring: its counters, subscriber table and record log. Access modes:
 * commit words are stored with release by the publisher and loaded with acquire by readers
 * (see {@link RecordDescriptor}); the tail is stored with release after the commit it covers;
 * subscriber positions are stored with release by their owner and loaded with acquire; the
 * release position only moves by CAS, so each record's pin is dropped exactly once.
 */
public final class RingLog {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    public final SharedRing ring;
    public final MemorySegment file;
    public final long logOffset;
    public final int capacity;
    public final int mask;
    /** Tokens of one release batch; a RingLog is confined to the publication or subscription using it. */
    private final long[] releaseBatch = new long[64];

    public RingLog(SharedRing ring) {
        this.ring = ring;
        this.file = ring.file;
        this.logOffset = ring.layout.logOffset();
        this.capacity = ring.layout.capacity();
        this.mask = capacity - 1;
    }

    /** File offset of the record at {@code position}. */
    public long recordAt(long position) {
        return logOffset + (position & mask);
    }

    public long commitAcquire(long recordOffset) {
        return (long) LONG.getAcquire(file, recordOffset + COMMIT_OFFSET);
    }

    /**
     * Writes length, type and sequence, then the commit word with release: the record becomes
     * visible, whole.
     */
    public void commit(long recordOffset, long position, int length, int type, long sequence) {
        // Readers will wait next at position + aligned(length). That place may hold an earlier
        // lap's payload, which could spell that very position: void it before this commit makes
        // anyone wait there (the release store below orders it first).
        LONG.set(file, recordAt(position + aligned(length)) + COMMIT_OFFSET, -1L);
        file.set(ValueLayout.JAVA_INT, recordOffset + LENGTH_OFFSET, length);
        file.set(ValueLayout.JAVA_INT, recordOffset + TYPE_OFFSET, type);
        file.set(ValueLayout.JAVA_LONG, recordOffset + SEQUENCE_OFFSET, sequence);
        LONG.setRelease(file, recordOffset + COMMIT_OFFSET, position);
    }

    /** Lossy rings: announces that bytes up to {@code end} are about to be written. */
    public void announceWrite(long end) {
        LONG.setOpaque(file, (long) RingHeaderDescriptor.WRITE_HEAD_OFFSET, end);
        VarHandle.storeStoreFence(); // the head is visible before any byte it announces
    }

    /** Lossy rings: the end of the bytes the publisher may be writing; read after the record. */
    public long writeHead() {
        VarHandle.loadLoadFence(); // the record's bytes were read before the head
        return (long) LONG.getOpaque(file, (long) RingHeaderDescriptor.WRITE_HEAD_OFFSET);
    }

    public boolean casPublishLock(long expected, long update) {
        return (boolean) LONG.compareAndSet(file, (long) RingHeaderDescriptor.PUBLISH_LOCK_OFFSET, expected, update);
    }

    public long publishLockOwner() {
        return (long) LONG.getVolatile(file, (long) RingHeaderDescriptor.PUBLISH_LOCK_OFFSET);
    }

    public void releasePublishLock() {
        LONG.setRelease(file, (long) RingHeaderDescriptor.PUBLISH_LOCK_OFFSET, 0L);
    }

    public long membership() {
        return (long) LONG.getAcquire(file, (long) RingHeaderDescriptor.MEMBERSHIP_OFFSET);
    }

    public void membershipChanged() {
        long unused = (long) LONG.getAndAdd(file, (long) RingHeaderDescriptor.MEMBERSHIP_OFFSET, 1L);
    }

    public void addLap() {
        long unused = (long) LONG.getAndAdd(file, (long) RingHeaderDescriptor.LAPS_OFFSET, 1L);
    }

    public void subscriberLost(int index, long lost) {
        LONG.setOpaque(file, ring.layout.subscriberOffset(index) + SubscriberDescriptor.LOST_OFFSET, lost);
    }

    public long releasePosition() {
        return (long) LONG.getVolatile(file, (long) RingHeaderDescriptor.RELEASE_POSITION_OFFSET);
    }

    public long tail() {
        return (long) LONG.getAcquire(file, (long) RingHeaderDescriptor.TAIL_OFFSET);
    }

    public void tail(long position) {
        LONG.setRelease(file, (long) RingHeaderDescriptor.TAIL_OFFSET, position);
    }

    public void addCounter(int offset) {
        long at = offset;
        LONG.setOpaque(file, at, (long) LONG.getOpaque(file, at) + 1);
    }

    public void setCounter(int offset, long value) {
        LONG.setOpaque(file, (long) offset, value);
    }

    public long counter(int offset) {
        return (long) LONG.getOpaque(file, (long) offset);
    }

    // ---------------------------------------------------------------- sleeping

    /** After a commit: wakes sleeping subscribers, if any. The fence orders the commit before the read. */
    public void wakeSleepers() {
        VarHandle.fullFence();
        if ((int) INT.getVolatile(file, (long) RingHeaderDescriptor.SLEEPERS_OFFSET) != 0) {
            wakeAll();
        }
    }

    /** Bumps the wake sequence and wakes every sleeper (also used on close). */
    public void wakeAll() {
        int previous = (int) INT.getAndAdd(file, (long) RingHeaderDescriptor.WAKE_SEQUENCE_OFFSET, 1);
        if (Futex.AVAILABLE) {
            Futex.wakeAll(file.address() + RingHeaderDescriptor.WAKE_SEQUENCE_OFFSET);
        }
    }

    public int wakeSequence() {
        return (int) INT.getVolatile(file, (long) RingHeaderDescriptor.WAKE_SEQUENCE_OFFSET);
    }

    public void addSleeper(int delta) {
        int previous = (int) INT.getAndAdd(file, (long) RingHeaderDescriptor.SLEEPERS_OFFSET, delta);
    }

    /** Sleeps while the wake sequence is {@code sequence}, at most {@code nanos}. */
    public void sleep(int sequence, long nanos) {
        if (Futex.AVAILABLE) {
            Futex.await(file.address() + RingHeaderDescriptor.WAKE_SEQUENCE_OFFSET, sequence, nanos);
        } else {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(nanos, 50_000));
        }
    }

    // ---------------------------------------------------------------- subscribers

    public int subscriberState(int index) {
        return (int) INT.getAcquire(file, ring.layout.subscriberOffset(index) + SubscriberDescriptor.STATE_OFFSET);
    }

    public void subscriberState(int index, int state) {
        INT.setRelease(file, ring.layout.subscriberOffset(index) + SubscriberDescriptor.STATE_OFFSET, state);
    }

    public long subscriberPosition(int index) {
        return (long) LONG.getAcquire(file, ring.layout.subscriberOffset(index) + SubscriberDescriptor.POSITION_OFFSET);
    }

    public void subscriberPosition(int index, long position) {
        LONG.setRelease(file, ring.layout.subscriberOffset(index) + SubscriberDescriptor.POSITION_OFFSET, position);
    }

    public long subscriberPid(int index) {
        return file.get(ValueLayout.JAVA_LONG, ring.layout.subscriberOffset(index) + SubscriberDescriptor.PID_OFFSET);
    }

    public long subscriberLost(int index) {
        return (long) LONG.getOpaque(file, ring.layout.subscriberOffset(index) + SubscriberDescriptor.LOST_OFFSET);
    }

    public void subscriberPid(int index, long pid) {
        file.set(ValueLayout.JAVA_LONG, ring.layout.subscriberOffset(index) + SubscriberDescriptor.PID_OFFSET, pid);
    }

    /**
     * The lowest position of any ACTIVE subscriber, or {@code Long.MAX_VALUE} when there is
     * none. With {@code probeDead}, an ACTIVE entry whose lock can be taken belongs to a dead
     * process: it is marked EMPTY and no longer counts.
     */
    public long minSubscriberPosition(boolean probeDead) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < ring.layout.maxSubscribers(); i++) {
            if (subscriberState(i) != SubscriberDescriptor.STATE_ACTIVE) {
                continue;
            }
            if (probeDead) {
                FileLock lock = ring.tryLock(i, false);
                if (lock != null) {
                    try {
                        subscriberState(i, SubscriberDescriptor.STATE_EMPTY);
                    } finally {
                        SharedRing.unlock(lock);
                    }
                    continue;
                }
            }
            min = Math.min(min, subscriberPosition(i));
        }
        return min;
    }

    // ---------------------------------------------------------------- pins

    /**
     * Drops the pins of every record below {@code upTo} (a position every live subscriber has
     * passed). Records are taken in batches: their tokens are read first, then one CAS moves the
     * release position past the batch, and only the releaser whose CAS succeeded unpins them, so
     * concurrent releasers never drop a pin twice. Reading before the CAS matters: once the
     * position has moved, the publisher may write over those records. A process killed between
     * the CAS and the unpins leaves that batch's buffers pinned (leaked, never freed early).
     */
    public void releaseUpTo(long upTo) {
        long at = RingHeaderDescriptor.RELEASE_POSITION_OFFSET;
        long[] tokens = releaseBatch;
        while (true) {
            long start = (long) LONG.getVolatile(file, at);
            if (start >= upTo) {
                return;
            }
            long position = start;
            int count = 0;
            while (position < upTo && count < tokens.length) {
                long record = recordAt(position);
                long commit = commitAcquire(record);
                int length = file.get(ValueLayout.JAVA_INT, record + LENGTH_OFFSET);
                int type = file.get(ValueLayout.JAVA_INT, record + TYPE_OFFSET);
                if (commit != position || !fits(position, length)) {
                    break; // judged below, once we know nobody moved the release position meanwhile
                }
                if (isReference(type)) {
                    tokens[count++] = file.get(ValueLayout.JAVA_LONG, record + REF_TOKEN_OFFSET);
                }
                position += aligned(length);
            }
            VarHandle.loadLoadFence();
            if ((long) LONG.getVolatile(file, at) != start) {
                continue; // another releaser moved on, and the publisher may be reusing what we read
            }
            if (position == start) {
                // The release position still names this record, so nobody has written over it.
                throw new CorruptRingException("ring '" + ring.name + "': no valid record at release position " + start
                    + " below " + upTo + "; the ring was damaged");
            }
            if ((boolean) LONG.compareAndSet(file, at, start, position)) {
                for (int i = 0; i < count; i++) {
                    ring.sharedPool.unpin(tokens[i]);
                }
            }
        }
    }

    /** Whether a record of {@code length} bytes at {@code position} fits before the log's end (no overflow). */
    public boolean fits(long position, int length) {
        return length >= HEADER_LENGTH && (position & mask) + ((length + (long) ALIGNMENT - 1) & -ALIGNMENT) <= capacity;
    }

    /** The record's length, validated against the log: it must fit before the log's end. */
    public int checkedLength(long record, long position) {
        int length = file.get(ValueLayout.JAVA_INT, record + LENGTH_OFFSET);
        if (!fits(position, length)) {
            throw new CorruptRingException("ring '" + ring.name + "': record at position " + position + " has length "
                + length + ", which does not fit the log; the ring was damaged");
        }
        return length;
    }
}
