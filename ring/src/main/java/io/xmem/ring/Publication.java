package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.XmemException;
import io.xmem.ring.internal.RingHeaderDescriptor;
import io.xmem.ring.internal.RingLog;
import io.xmem.ring.internal.SharedRing;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileLock;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * The publishing side of a ring. An <em>exclusive</em> publication ({@link Ring#publication()})
 * has the ring to itself and is used by one thread: no atomic operation on the way. A
 * <em>concurrent</em> one ({@link Ring#concurrentPublication()}) may be used by many threads,
 * and many processes may each have one: they take turns through a lock word in the ring,
 * one record at a time, and a process that dies holding it is found by its OS lock and
 * passed over. Publishes small messages inline (copied into the log) and buffers by
 * reference (the ring pins the buffer until every subscriber has passed the record; the caller
 * still closes its own handle).
 *
 * <pre>{@code
 * try (Publication pub = ring.publication()) {
 *     long r = pub.offer(MemorySegment.ofArray(bytes));          // inline
 *     try (Buffer frame = pool.acquire(6_220_800)) {
 *         render(frame.segment());
 *         r = pub.offer(frame, 0, frame.length(), System.nanoTime(), frameNumber);
 *     }
 *     if (r < 0) { ... BACK_PRESSURED / NOT_CONNECTED: try again later ... }
 * }
 * }</pre>
 *
 * <p>Results are the new stream position, or a negative code in Aeron's spirit. A publisher
 * that dies leaves at most an uncommitted record, which no subscriber can see; the next
 * publisher starts at the ring's tail, after the last committed record, and writes over it.
 */
public final class Publication implements AutoCloseable {
    /** No subscriber is connected: nothing was published. */
    public static final long NOT_CONNECTED = -1;
    /** The slowest subscriber is a whole log behind: nothing was published; try again. */
    public static final long BACK_PRESSURED = -2;
    /** The publication or its ring is closed. */
    public static final long CLOSED = -4;

    private static final long PROBE_INTERVAL_NANOS = 1_000_000L;

    private final Ring ring;
    private final RingLog log;
    private final SharedRing shared;
    /** Concurrent publications: this one's id byte, and Java-level turn-taking for its threads. */
    private final boolean concurrent;
    private final FileLock idLock;
    private final long id;
    private final java.util.concurrent.locks.ReentrantLock threads = new java.util.concurrent.locks.ReentrantLock();
    private final int maxInline;
    private final boolean lossy;
    private final boolean wakeups;
    private long tail;
    /** Sequence number of the next record (records that are not padding, from 0). */
    private long sequence;
    /** Positions below this may be written without looking at the subscribers again. */
    private long limit;
    private long lastProbe = System.nanoTime() - PROBE_INTERVAL_NANOS;
    /** The ring's membership count when this publication last looked at the subscribers. */
    private long membership = -1;
    /** Length of the open claim's message, or -1 when none is open. */
    private int claimLength = -1;
    private boolean closed;

    Publication(Ring ring, RingLog log, boolean concurrent) {
        this.ring = ring;
        this.log = new RingLog(log.ring); // its own flyweight: release batches are per user
        this.shared = log.ring;
        this.concurrent = concurrent;
        this.lossy = shared.layout.lossy();
        this.wakeups = shared.layout.wakeups();
        this.maxInline = shared.layout.maxInlineLength();
        if (!shared.enterPublishing(concurrent)) {
            throw new XmemException("ring '" + shared.name + "' already has " + (concurrent
                ? "an exclusive publication (pid " + log.counter(RingHeaderDescriptor.PUBLISHER_PID_OFFSET)
                  + "): concurrent ones can join once it closes"
                : "a publication: an exclusive one needs the ring to itself; use concurrentPublication() to share it"));
        }
        FileLock idLock = null;
        int k = 0;
        if (concurrent) {
            for (; k < SharedRing.MAX_CONCURRENT_PUBLICATIONS && idLock == null; k++) {
                idLock = shared.tryLock(SharedRing.PUBLISHER_LOCK + 1 + k, false);
            }
            if (idLock == null) {
                shared.leavePublishing(true);
                throw new XmemException("ring '" + shared.name + "' already has " + SharedRing.MAX_CONCURRENT_PUBLICATIONS
                    + " concurrent publications: close some");
            }
        }
        this.idLock = idLock;
        this.id = k; // k + 1 after the loop's last increment: ids start at 1, 0 means "free"
        this.tail = log.tail();
        this.sequence = log.counter(RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET);
        if (!concurrent) {
            recover();
        } else if (log.publishLockOwner() == id) {
            // The word names our id, whose byte we now hold: its previous holder died (or closed
            // mid-claim) holding the turn. Finish its business and free the word.
            recover();
            log.releasePublishLock();
        }
        log.file.set(ValueLayout.JAVA_LONG, RingHeaderDescriptor.PUBLISHER_PID_OFFSET, ProcessHandle.current().pid());
    }

    /**
     * Concurrent publications: waits for the ring's publish lock (threads of this process first
     * through a Java lock), then takes the tail and the count from the ring. A holder whose
     * process died is found by its unlocked id byte; the lock is taken over and the stream
     * resumes after its last committed record.
     */
    private void enter() {
        if (!concurrent) {
            return;
        }
        threads.lock();
        long spins = 0;
        while (!log.casPublishLock(0, id)) {
            Thread.onSpinWait();
            if (++spins % 4096 == 0) {
                long owner = log.publishLockOwner();
                if (owner != 0 && ownerDead(owner) && log.casPublishLock(owner, id)) {
                    tail = log.tail();
                    sequence = log.counter(RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET);
                    recover(); // it may have committed without moving the tail
                    return;
                }
                Thread.yield();
            }
        }
        tail = log.tail();
        sequence = log.counter(RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET);
    }

    private boolean ownerDead(long owner) {
        if (owner < 1 || owner > SharedRing.MAX_CONCURRENT_PUBLICATIONS) {
            return true; // no publication has that id: a damaged word, take it over
        }
        FileLock probe = shared.tryLock(SharedRing.PUBLISHER_LOCK + owner, false);
        if (probe == null) {
            return false; // held by a live process (or by this JVM)
        }
        SharedRing.unlock(probe);
        return true;
    }

    private void exit() {
        if (!concurrent) {
            return;
        }
        log.releasePublishLock();
        threads.unlock();
    }

    /** Copies {@code message} into the ring; {@link MessageTooLongException} if it is too long. */
    public long offer(MemorySegment message) {
        long length = message.byteSize();
        if (length > maxInline) {
            throw new MessageTooLongException("ring '" + shared.name + "': inline message of " + length
                + " bytes exceeds the ring's maximum of " + maxInline + "; put it in a pool buffer and offer the buffer");
        }
        int recordLength = HEADER_LENGTH + (int) length;
        ensureNoClaim();
        enter();
        try {
            long position = reserve(recordLength);
            if (position < 0) {
                return position;
            }
            long record = log.recordAt(position);
            MemorySegment.copy(message, 0, log.file, record + HEADER_LENGTH, length);
            return commit(record, position, recordLength, TYPE_INLINE);
        } finally {
            exit();
        }
    }

    /** Publishes a reference to the whole of {@code buffer}. */
    public long offer(Buffer buffer) {
        return offer(buffer, 0, buffer.length(), 0, 0);
    }

    /**
     * Publishes a reference to {@code length} bytes of {@code buffer} from {@code offset}, with
     * two user values (a timestamp, a frame number...). The ring pins the buffer; the caller
     * still closes its handle whenever it likes.
     */
    public long offer(Buffer buffer, long offset, long length, long timestamp, long tag) {
        if (shared.sharedPool != null && buffer.poolId() != shared.layout.poolId()) {
            throw new XmemException("buffer " + buffer + " is not from pool '" + shared.layout.poolName()
                + "', the pool of ring '" + shared.name + "'");
        }
        return offer(buffer.token(), offset, length, timestamp, tag);
    }

    /**
     * Publishes a reference by token, for callers of the pool's allocation-free token API
     * ({@code BufferPool.tryAcquireToken}): this process must hold a reference to it in the
     * ring's pool. Otherwise as {@link #offer(Buffer, long, long, long, long)}.
     */
    public long offer(long token, long offset, long length, long timestamp, long tag) {
        if (shared.sharedPool == null) {
            throw new XmemException("ring '" + shared.name + "' has no pool: create it with RingConfig.pool(name) to "
                + "publish buffers");
        }
        long held = shared.sharedPool.heldLength(token); // throws unless this process holds it
        if (offset < 0 || length < 0 || offset > held - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " + length " + length + " outside the buffer's "
                + held + " bytes");
        }
        ensureNoClaim();
        enter();
        try {
            long position = reserve(REF_RECORD_LENGTH);
            if (position < 0) {
                return position;
            }
            if (!shared.sharedPool.pin(token)) {
                log.addCounter(RingHeaderDescriptor.BACK_PRESSURED_COUNT_OFFSET);
                return BACK_PRESSURED; // 255 records already refer to this buffer
            }
            long record = log.recordAt(position);
            log.file.set(ValueLayout.JAVA_LONG, record + REF_TOKEN_OFFSET, token);
            log.file.set(ValueLayout.JAVA_LONG, record + REF_OFFSET_OFFSET, offset);
            log.file.set(ValueLayout.JAVA_LONG, record + REF_LENGTH_OFFSET, length);
            log.file.set(ValueLayout.JAVA_LONG, record + REF_TIMESTAMP_OFFSET, timestamp);
            log.file.set(ValueLayout.JAVA_LONG, record + REF_TAG_OFFSET, tag);
            boolean device = shared.sharedPool.layout.isDeviceSlot(io.xmem.pool.internal.SlotDescriptor.tokenSlot(token));
            return commit(record, position, REF_RECORD_LENGTH, device ? TYPE_DEVICE_REFERENCE : TYPE_REFERENCE);
        } finally {
            exit();
        }
    }

    /**
     * Claims room for an inline message of {@code length} bytes to be written in place, through
     * {@link #claimed()}; nothing is visible until {@link #commit()}, and {@link #abort()}
     * gives the room back. Returns the position the record will end at, or a negative code (no
     * claim is then open). One claim at a time; offers wait until it is committed or aborted.
     *
     * <pre>{@code
     * if (pub.tryClaim(24) > 0) {
     *     MemorySegment m = pub.claimed();
     *     m.set(JAVA_LONG, 0, price); m.set(JAVA_LONG, 8, qty); m.set(JAVA_LONG, 16, time);
     *     pub.commit();
     * }
     * }</pre>
     *
     * A publisher killed between claim and commit leaves a record no subscriber can see; the
     * next publisher writes over it.
     */
    public long tryClaim(int length) {
        ensureNoClaim();
        if (length < 0 || length > maxInline) {
            throw new MessageTooLongException("ring '" + shared.name + "': a claim of " + length
                + " bytes is outside 0.." + maxInline + " (the ring's maximum inline length)");
        }
        enter(); // a concurrent publication holds its turn until commit() or abort()
        long position;
        try {
            position = reserve(HEADER_LENGTH + length);
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        }
        if (position < 0) {
            exit();
            return position;
        }
        claimLength = length;
        return position + aligned(HEADER_LENGTH + length);
    }

    private void ensureNoClaim() {
        if (claimLength >= 0) {
            throw new IllegalStateException("a claim is open: commit() or abort() it first");
        }
    }

    /** The bytes of the open claim, to be written before {@link #commit()}. */
    public MemorySegment claimed() {
        if (claimLength < 0) {
            throw new IllegalStateException("no claim is open");
        }
        return log.file.asSlice(log.recordAt(tail) + HEADER_LENGTH, claimLength);
    }

    /** Publishes the open claim; returns the new position. */
    public long commit() {
        if (claimLength < 0) {
            throw new IllegalStateException("no claim is open");
        }
        int length = claimLength;
        claimLength = -1;
        try {
            return commit(log.recordAt(tail), tail, HEADER_LENGTH + length, TYPE_INLINE);
        } finally {
            exit();
        }
    }

    /** Gives the open claim's room back, publishing nothing. */
    public void abort() {
        if (claimLength < 0) {
            throw new IllegalStateException("no claim is open");
        }
        claimLength = -1;
        exit();
    }

    /**
     * A previous publisher killed after committing a record but before moving the tail (or the
     * count) past it left a record that subscribers may already have read: carry on after it,
     * never over it, and number the next record after its number.
     */
    private void recover() {
        for (int i = 0; i < log.capacity / ALIGNMENT; i++) {
            long record = log.recordAt(tail);
            if (log.commitAcquire(record) != tail) {
                return;
            }
            int length = log.checkedLength(record, tail);
            if (log.file.get(ValueLayout.JAVA_INT, record + TYPE_OFFSET) != TYPE_PADDING) {
                sequence = log.file.get(ValueLayout.JAVA_LONG, record + SEQUENCE_OFFSET) + 1;
            }
            tail += aligned(length);
            log.setCounter(RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET, sequence); // count before tail
            log.tail(tail);
        }
    }

    /** Longest inline message this ring takes. */
    public int maxInlineLength() {
        return maxInline;
    }

    /** The position after the last record this publication committed. */
    public long position() {
        return tail;
    }

    /**
     * Finds room for a record of {@code recordLength} bytes: pads to the end of the log if it
     * would wrap, and returns the position the record goes to, or a negative code.
     */
    private long reserve(int recordLength) {
        if (closed || shared.isClosed()) {
            return CLOSED;
        }
        if (claimLength >= 0) {
            throw new IllegalStateException("a claim is open: commit() or abort() it before offering");
        }
        int aligned = aligned(recordLength);
        int offset = (int) (tail & log.mask);
        int padding = offset + aligned > log.capacity ? log.capacity - offset : 0;
        // The commit also voids the commit word of the next record's place (see RingLog.commit):
        // our reach is one alignment unit past the record's end.
        long reach = tail + padding + aligned + ALIGNMENT;
        long members = log.membership();
        if (reach > limit || members != membership) { // a subscriber joined or left: look again
            membership = members;
            long result = lossy ? refreshConnected(reach) : refreshLimit(reach);
            if (result < 0) {
                return result;
            }
        }
        if (lossy) {
            if (shared.sharedPool != null) {
                log.releaseUpTo(reach - log.capacity); // skipped references are released all the same
            }
            log.announceWrite(reach);
        }
        if (padding > 0) {
            log.commit(log.recordAt(tail), tail, padding, TYPE_PADDING, 0);
            tail += padding;
            log.tail(tail);
        }
        return tail;
    }

    /**
     * Lossy rings: nobody holds the publisher back, but with no subscriber at all nothing is
     * published (as in a reliable ring). Looked at again every quarter of the log.
     */
    private long refreshConnected(long end) {
        long now = System.nanoTime();
        boolean probe = now - lastProbe > PROBE_INTERVAL_NANOS;
        if (probe) {
            lastProbe = now;
        }
        if (log.minSubscriberPosition(probe) == Long.MAX_VALUE) {
            if (shared.sharedPool != null) {
                log.releaseUpTo(tail); // nobody will read what is there: give its buffers back
            }
            limit = 0;
            return NOT_CONNECTED;
        }
        limit = end + log.capacity / 4;
        return 0;
    }

    /** Looks at the subscribers again; releases the pins of every record they have all passed. */
    private long refreshLimit(long end) {
        long now = System.nanoTime();
        boolean probe = now - lastProbe > PROBE_INTERVAL_NANOS; // liveness probes cost syscalls
        long min = log.minSubscriberPosition(false);
        if (min == Long.MAX_VALUE || end - log.capacity > min) {
            if (probe) {
                lastProbe = now;
                min = log.minSubscriberPosition(true); // a dead subscriber no longer holds us back
            }
        }
        if (min == Long.MAX_VALUE) {
            if (shared.sharedPool != null) {
                log.releaseUpTo(tail); // nobody will read what is there: give its buffers back
            }
            limit = 0; // look again next time
            return NOT_CONNECTED;
        }
        if (min > tail) {
            throw new io.xmem.ring.CorruptRingException("ring '" + shared.name + "': a subscriber claims position " + min
                + " beyond the publisher's " + tail + "; the subscriber table was damaged");
        }
        if (shared.sharedPool != null) {
            log.releaseUpTo(min); // records everyone passed: drop their pins before their space is reused
        }
        limit = min + log.capacity;
        if (end > limit) {
            log.addCounter(RingHeaderDescriptor.BACK_PRESSURED_COUNT_OFFSET);
            return BACK_PRESSURED;
        }
        return 0;
    }

    private long commit(long record, long position, int recordLength, int type) {
        log.commit(record, position, recordLength, type, sequence++);
        // The count (the next sequence) before the tail: a successor resumes from the tail and
        // corrects both from any record it finds committed there (see recover()).
        log.setCounter(RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET, sequence);
        tail = position + aligned(recordLength);
        log.tail(tail);
        if (wakeups) {
            log.wakeSleepers();
        }
        return tail;
    }

    /** Gives up the ring's publisher lock; records already published stay for the subscribers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (claimLength >= 0) {
            abort(); // gives the turn back (concurrent) and publishes nothing
        }
        closed = true;
        if (!shared.isClosed()) {
            if (idLock != null) {
                SharedRing.unlock(idLock);
            }
            shared.leavePublishing(concurrent);
            if (shared.sharedPool != null && log.minSubscriberPosition(false) == Long.MAX_VALUE) {
                log.releaseUpTo(log.tail()); // no subscriber will read what is left: unpin it
            }
            log.wakeAll(); // sleepers look again (and find the ring without a publisher)
        }
        ring.forget(this);
    }
}
