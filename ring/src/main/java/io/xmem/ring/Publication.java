package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.BufferPins;
import io.xmem.pool.internal.FaultPoints;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.ring.internal.MappedRing;
import io.xmem.ring.internal.Membarrier;
import io.xmem.ring.internal.PinReleaser;
import io.xmem.ring.internal.RecordLog;
import io.xmem.ring.internal.RingCounters;

import java.lang.foreign.MemorySegment;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * The publishing side of a ring, of one of two kinds: an {@link ExclusivePublication}
 * ({@link Ring#publication()}) has the ring to itself and is used by one thread, with no
 * atomic operation and no lock on the way; a {@link ConcurrentPublication}
 * ({@link Ring#concurrentPublication()}) may be used by many threads, and many processes may
 * each have one. Both publish small messages inline (copied into the log) and buffers by
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
 * Publishing follows {@code ring/LAYOUT.md}, <i>Publishing</i>, step by step.
 */
public abstract sealed class Publication implements AutoCloseable permits ExclusivePublication, ConcurrentPublication {
    /** No subscriber is connected: nothing was published. */
    public static final long NOT_CONNECTED = -1;
    /** The slowest subscriber is a whole log behind: nothing was published; try again. */
    public static final long BACK_PRESSURED = -2;
    /** The publication or its ring is closed. */
    public static final long CLOSED = -4;

    final Ring ring;
    final MappedRing mapped;
    final RecordLog log;
    final RingCounters counters;
    /** The ring's pool, or null for an inline-only ring. */
    private final BufferPins pins;
    private final PinReleaser releaser;
    private final FlowControl flow;
    private final boolean wakeups;
    /** Wake-ups without a fence per record: sleepers pay a membarrier instead. */
    private final boolean asymmetricWake;
    private final int maxInline;
    /** The claim {@link #tryClaim(int)} fills. */
    private final RecordClaim ownClaim = new RecordClaim();
    /** Position after the last record this publication committed (in the turn it holds, for a concurrent one). */
    long tail;
    /** Sequence number of the next record (records that are not padding, from 0). */
    long sequence;
    /** The claim open on this publication, or null. */
    RecordClaim openClaim;
    boolean closed;

    Publication(Ring ring, MappedRing mapped) {
        this.ring = ring;
        this.mapped = mapped;
        this.log = mapped.log();
        this.counters = mapped.counters();
        this.pins = mapped.pins();
        this.releaser = mapped.newReleaser(); // its own batch: release batches are per user
        this.wakeups = mapped.layout().wakeups();
        this.asymmetricWake = wakeups && Membarrier.register();
        if (asymmetricWake) {
            counters.markAsymmetricWake(); // before any record we publish without a fence
        }
        this.maxInline = mapped.layout().maxInlineLength();
        this.flow = FlowControl.of(mapped.layout(), mapped.subscribers(), counters, releaser, mapped.locks(),
            mapped.name());
    }

    // ------------------------------------------------------------ the API

    /** Copies {@code message} into the ring; {@link MessageTooLongException} if it is too long. */
    public abstract long offer(MemorySegment message);

    /** Publishes a reference to the whole of {@code buffer}. */
    public final long offer(Buffer buffer) {
        return offer(buffer, 0, buffer.length(), 0, 0);
    }

    /**
     * Publishes a reference to {@code length} bytes of {@code buffer} from {@code offset}, with
     * two user values (a timestamp, a frame number...). The ring pins the buffer; the caller
     * still closes its handle whenever it likes.
     */
    public final long offer(Buffer buffer, long offset, long length, long timestamp, long tag) {
        checkPoolOf(buffer);
        return offer(buffer.token(), offset, length, timestamp, tag);
    }

    /**
     * Publishes a reference to the whole of {@code buffer} and hands the handle to the ring: on
     * success (a position, ≥ 0) the handle is closed, and when it was this process's last handle
     * on the buffer its reference became the ring's pin with one CAS (no pin added and reference
     * dropped, as {@code offer} then {@code close} do). On a negative result (back-pressure, not
     * connected...) nothing was published and the handle is still the caller's, open, to offer
     * again or close. So a frame path is {@code acquire}, fill, {@code send}.
     *
     * <pre>{@code
     * Buffer frame = pool.acquire(size, timeout);
     * render(frame.segment());
     * while (publication.send(frame) < 0) {
     *     idle.idle();            // the ring is full: the frame is still ours
     * }                           // sent: the frame is the ring's, the handle closed
     * }</pre>
     */
    public final long send(Buffer buffer) {
        return send(buffer, 0, 0);
    }

    /** {@link #send(Buffer)} with two user values (a timestamp, a frame number...), as {@code offer} carries. */
    public final long send(Buffer buffer, long timestamp, long tag) {
        checkPoolOf(buffer);
        if (buffer.isClosed()) {
            throw new IllegalStateException("buffer closed: send(buffer) needs an open handle");
        }
        return send(buffer, buffer.token(), buffer.length(), timestamp, tag);
    }

    /** {@link #send(Buffer, long, long)} with the turn taken as the kind of publication takes it. */
    abstract long send(Buffer buffer, long token, long length, long timestamp, long tag);

    private void checkPoolOf(Buffer buffer) {
        if (pins != null && buffer.poolId() != pins.poolId()) {
            throw new XmemException("buffer " + buffer + " is not from pool '" + pins.poolName()
                + "', the pool of ring '" + mapped.name() + "'");
        }
    }

    /**
     * Publishes a reference by token, for callers of the pool's allocation-free token API
     * ({@code BufferPool.tryAcquireToken}): this process must hold a reference to it in the
     * ring's pool. Otherwise as {@link #offer(Buffer, long, long, long, long)}.
     */
    public abstract long offer(long token, long offset, long length, long timestamp, long tag);

    /**
     * Claims room for an inline message of {@code length} bytes to be written in place through
     * {@code claim}, a flyweight the caller keeps and reuses (no object is made per claim);
     * nothing is visible until {@link RecordClaim#commit()}, and {@link RecordClaim#abort()} gives
     * the room back. Returns the position the record will end at, or a negative code (the claim
     * is then not open). One claim at a time; a concurrent publication holds its turn, and every
     * other thread's offers wait, until the claim is committed or aborted.
     *
     * <pre>{@code
     * RecordClaim claim = new RecordClaim();                        // once
     * if (pub.tryClaim(24, claim) > 0) {
     *     claim.putLong(0, price).putLong(8, qty).putLong(16, time);
     *     claim.commit();
     * }
     * }</pre>
     *
     * A publisher killed between claim and commit leaves a record no subscriber can see; the
     * next publisher writes over it.
     */
    public abstract long tryClaim(int length, RecordClaim claim);

    /**
     * {@link #tryClaim(int, RecordClaim)} with the publication's own claim, reached by {@link #claimed()}, {@link
     * #commit()}, {@link #abort()}.
     */
    public final long tryClaim(int length) {
        return tryClaim(length, ownClaim);
    }

    /** The bytes of the claim {@link #tryClaim(int)} opened, as a segment (a slice: an object per call). */
    public final MemorySegment claimed() {
        return ownClaim.segment();
    }

    /** Publishes the claim {@link #tryClaim(int)} opened; returns the new position. */
    public final long commit() {
        return ownClaim.commit();
    }

    /** Gives the room of the claim {@link #tryClaim(int)} opened back, publishing nothing. */
    public final void abort() {
        ownClaim.abort();
    }

    /** Longest inline message this ring takes. */
    public final int maxInlineLength() {
        return maxInline;
    }

    /** The position after the last record this publication committed. */
    public final long position() {
        return tail;
    }

    /** Gives up the ring's publisher lock; records already published stay for the subscribers. */
    @Override
    public abstract void close();

    // ------------------------------------------------------------ checks before the turn

    /** The record length of an inline message; {@link MessageTooLongException} if it is too long. */
    final int inlineRecordLength(MemorySegment message) {
        long length = message.byteSize();
        if (length > maxInline) {
            throw new MessageTooLongException("ring '" + mapped.name() + "': inline message of " + length
                + " bytes exceeds the ring's maximum of " + maxInline
                + "; put it in a pool buffer and offer the buffer");
        }
        return HEADER_LENGTH + (int) length;
    }

    final void checkReference(long token, long offset, long length) {
        if (pins == null) {
            throw new XmemException("ring '" + mapped.name() + "' has no pool: create it with RingConfig.pool(name) to "
                + "publish buffers");
        }
        long held = pins.heldLength(token); // throws unless this process holds it
        if (offset < 0 || length < 0 || offset > held - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " + length " + length + " outside the buffer's "
                + held + " bytes");
        }
    }

    final void checkClaimLength(int length) {
        if (length < 0 || length > maxInline) {
            throw new MessageTooLongException("ring '" + mapped.name() + "': a claim of " + length
                + " bytes is outside 0.." + maxInline + " (the ring's maximum inline length)");
        }
    }

    final void ensureNoClaim() {
        if (openClaim != null) {
            throw new IllegalStateException("a claim is open: commit() or abort() it first");
        }
    }

    // ------------------------------------------------------------ writing, with the turn held

    final long writeInline(MemorySegment message, int recordLength) {
        long position = reserve(recordLength);
        if (position < 0) {
            return position;
        }
        long record = log.recordAt(position);
        MemorySegment.copy(message, 0, log.file(), record + HEADER_LENGTH, recordLength - HEADER_LENGTH);
        return commitRecord(record, position, recordLength, TYPE_INLINE);
    }

    final long writeReference(long token, long offset, long length, long timestamp, long tag) {
        return writeReference(token, offset, length, timestamp, tag, null);
    }

    /**
     * Writes a reference record; with {@code handedOver}, the handle's reference becomes the
     * record's pin (in place when it is the last handle here, else pinned and the handle closed),
     * and only once room is reserved, so a refused send leaves the handle as it was.
     */
    final long writeReference(long token, long offset, long length, long timestamp, long tag, Buffer handedOver) {
        long position = reserve(REF_RECORD_LENGTH);
        if (position < 0) {
            return position;
        }
        if (!(handedOver == null ? pins.pin(token) : pinHandingOver(handedOver, token))) {
            counters.incrementBackPressuredOpaque();
            return BACK_PRESSURED; // 255 records already refer to this buffer
        }
        FaultPoints.hit(FaultPoints.PUBLISHER_AFTER_PIN);
        long record = log.recordAt(position);
        log.reference(record, token, offset, length, timestamp, tag);
        // Before the commit, which orders it: releasers skip their walk on it.
        counters.lastReferenceEndPlain(position + aligned(REF_RECORD_LENGTH));
        return commitRecord(record, position, REF_RECORD_LENGTH,
            pins.isDeviceToken(token) ? TYPE_DEVICE_REFERENCE : TYPE_REFERENCE);
    }

    /** The record's pin from a handle handed over: false when the buffer carries 255 pins. */
    private boolean pinHandingOver(Buffer buffer, long token) {
        int result = PoolAccess.hasWorkBeforeRelease(buffer) ? BufferPins.NOT_LAST
            : pins.pinInPlaceOfLastReference(token);
        if (result == BufferPins.PINNED_IN_PLACE) {
            PoolAccess.endHandedOver(buffer);
            return true;
        }
        if (result == BufferPins.PIN_LIMIT || !pins.pin(token)) {
            return false;
        }
        buffer.close(); // other handles here keep this process's reference (or GPU work ends first)
        return true;
    }

    /** Reserves room for a claim and opens {@code claim} on it; returns where the record will end, or a code. */
    final long openClaim(int length, RecordClaim claim) {
        long position = reserve(HEADER_LENGTH + length);
        if (position < 0) {
            return position;
        }
        claim.wrap(this, log.file(), log.recordAt(position) + HEADER_LENGTH, length, position);
        openClaim = claim;
        return position + aligned(HEADER_LENGTH + length);
    }

    /** Commits an open claim's record; the claim has let go of it. */
    abstract long commitClaim(long position, int length);

    /** Drops an open claim, publishing nothing; the claim has let go of it. */
    abstract void abortClaim();

    final long finishClaim(long position, int length) {
        openClaim = null;
        return commitRecord(log.recordAt(position), position, HEADER_LENGTH + length, TYPE_INLINE);
    }

    /**
     * Finds room for a record of {@code recordLength} bytes: pads to the end of the log if it
     * would wrap, and returns the position the record goes to, or a negative code.
     */
    private long reserve(int recordLength) {
        if (closed || mapped.isClosed()) {
            return CLOSED;
        }
        int aligned = aligned(recordLength);
        int offset = log.offsetInLog(tail);
        int padding = offset + aligned > log.capacity() ? log.capacity() - offset : 0;
        // The commit also voids the commit word of the next record's place (see RecordLog.commit):
        // our reach is one alignment unit past the record's end.
        long admitted = flow.admit(tail, tail + padding + aligned + ALIGNMENT);
        if (admitted < 0) {
            return admitted;
        }
        if (padding > 0) {
            log.commit(log.recordAt(tail), tail, padding, TYPE_PADDING, 0);
            tail += padding;
            counters.tailRelease(tail);
        }
        return tail;
    }

    private long commitRecord(long record, long position, int recordLength, int type) {
        log.commit(record, position, recordLength, type, sequence++);
        // The count (the next sequence) before the tail: a successor resumes from the tail and
        // corrects both from any record it finds committed there (see recover()).
        counters.publishedOpaque(sequence);
        tail = position + aligned(recordLength);
        counters.tailRelease(tail);
        if (asymmetricWake) {
            counters.wakeSleepersAfterCommit();
        } else if (wakeups) {
            counters.fenceThenWakeSleepers();
        }
        return tail;
    }

    /** Takes the stream's position and count from the ring: where this publication, or its turn, starts. */
    final void resume() {
        tail = log.checkedPosition(counters.tailAcquire(), "tail");
        sequence = counters.publishedOpaque();
    }

    /**
     * A previous publisher killed after committing a record but before moving the tail (or the
     * count) past it left a record that subscribers may already have read: carry on after it,
     * never over it, and number the next record after its number.
     */
    final void recover() {
        for (int i = 0; i < log.capacity() / ALIGNMENT; i++) {
            long record = log.recordAt(tail);
            if (log.commitAcquire(record) != tail) {
                return;
            }
            int length = log.checkedLength(record, tail);
            if (log.typePlain(record) != TYPE_PADDING) {
                sequence = log.sequencePlain(record) + 1;
            }
            tail += aligned(length);
            counters.publishedOpaque(sequence); // count before tail
            counters.tailRelease(tail);
        }
    }

    /** What every close does once the publishing byte is given back: unpin what nobody will read, wake sleepers. */
    final void closed() {
        if (releaser != null && mapped.subscribers().minPosition(null) == Long.MAX_VALUE) {
            releaser.releaseUpTo(log.checkedPosition(counters.tailAcquire(), "tail")); // nobody will read it: unpin
        }
        counters.wakeAll(); // sleepers look again (and find the ring without a publisher)
    }
}
