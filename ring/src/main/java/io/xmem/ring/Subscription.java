package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.StaleTokenException;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.CheckedSegments;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.ring.internal.MappedRing;
import io.xmem.ring.internal.Membarrier;
import io.xmem.ring.internal.PinReleaser;
import io.xmem.ring.internal.RecordLog;
import io.xmem.ring.internal.RingCounters;
import io.xmem.ring.internal.SubscriberDescriptor;
import io.xmem.ring.internal.SubscriberTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileLock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

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
 * publisher stops waiting for it. Reading follows {@code ring/LAYOUT.md}, <i>Reading</i>.
 */
public final class Subscription implements AutoCloseable {
    /** Liveness probes of the other subscribers cost syscalls: at most this often. */
    private static final long PROBE_INTERVAL_NANOS = 50_000_000L;
    /** A sleeping subscriber looks for the end of the stream (a publisher gone) at least this often. */
    private static final long PUBLISHER_LOOK_NANOS = 100_000_000L;
    /** Laps in a row at an unmoving tail before the write head is judged damaged (microseconds of spinning). */
    private static final int MAX_STUCK_LAPS = 10_000;

    private final Ring ring;
    private final MappedRing mapped;
    private final RecordLog log;
    private final RingCounters counters;
    private final SubscriberTable subscribers;
    /** Null for an inline-only ring. */
    private final PinReleaser releaser;
    private final BufferPool pool;
    private final FileLock lock;
    private final int index;
    private final Message message;
    private final int maxInline;
    private final boolean lossy;
    /** Whether records are copied or attached before delivery: lossy rings, and rings that may evict us. */
    private final boolean copying;
    /** Copying rings: inline payloads are copied here before delivery. */
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
    /** Lossy rings: the tail we last resumed at when lapped, and how often in a row it did not move. */
    private long lapTail = -1;
    private int stuckLaps;
    /** Whether a live publication was ever seen: before it, a silent ring has not begun, not ended. */
    private boolean sawPublisher;
    private volatile boolean closed; // read by a thread blocked in await()

    Subscription(Ring ring, MappedRing mapped) {
        this.ring = ring;
        this.mapped = mapped;
        this.log = mapped.log();
        this.counters = mapped.counters();
        this.subscribers = mapped.subscribers();
        this.releaser = mapped.newReleaser(); // its own batch: release batches are per user
        this.pool = mapped.pool();
        this.lock = takeEntry(mapped);
        this.index = (int) lock.position();
        this.maxInline = mapped.layout().maxInlineLength();
        this.lossy = mapped.layout().lossy();
        this.copying = lossy || mapped.layout().evictable();
        this.scratch = copying ? Arena.ofAuto().allocate(Math.max(maxInline, 1), 8) : null;
        this.message = new Message(pool, mapped.pins());
        join();
        this.released = position;
    }

    private static FileLock takeEntry(MappedRing mapped) {
        for (int i = 0; i < mapped.layout().maxSubscribers(); i++) {
            FileLock taken = mapped.locks().tryLock(i);
            if (taken != null) {
                return taken;
            }
        }
        throw new XmemException("ring '" + mapped.name() + "' already has " + mapped.layout().maxSubscribers()
            + " live subscribers (its maxSubscribers): close one, or recreate the ring with a higher "
            + "RingConfig.maxSubscribers");
    }

    /**
     * Starts at the tail: records before it were published before we joined. The count, read
     * after the tail, numbers the first record we must see: the publisher stores the count
     * before the tail, so every record numbered from here on lies at or after this position
     * (the few before it that are numbered lower were published before we joined: skipped).
     */
    private void join() {
        position = log.checkedPosition(counters.tailAcquire(), "tail");
        expected = counters.publishedOpaque();
        subscribers.pidPlain(index, ProcessHandle.current().pid());
        subscribers.labelPlain(index);
        subscribers.positionRelease(index, position);
        subscribers.stateRelease(index, SubscriberDescriptor.STATE_ACTIVE); // position first
        // Until the publisher and the other subscribers saw us ACTIVE, they could run a whole
        // log past the tail we read, overwriting and releasing it. Now that we are visible
        // (fence), read the tail again: from here on nobody passes our stored position by more
        // than a log, and whatever was published in between counts as before we joined.
        VarHandle.fullFence();
        position = log.checkedPosition(counters.tailAcquire(), "tail");
        expected = counters.publishedOpaque();
        subscribers.positionRelease(index, position);
        counters.incrementMembership();
    }

    /**
     * Delivers up to {@code limit} records to {@code handler}, in order; returns how many. 0 means
     * nothing new (or the subscription is closed). In a lossy ring, a subscription that was
     * overtaken by a whole log skips to the newest record and adds what it missed to
     * {@link #lostRecords()}. A record counts as consumed once its handler is called: if the
     * handler throws, the subscription's position still moves past it, for the publisher and
     * for the release of buffers, before the exception leaves.
     */
    public int poll(MessageHandler handler, int limit) {
        if (closed || mapped.isClosed()) {
            return 0;
        }
        if (copying && !lossy && subscribers.stateAcquire(index) == SubscriberDescriptor.STATE_EVICTED) {
            throw evicted();
        }
        long start = position;
        try {
            return copying ? pollCopying(handler, limit) : pollReliable(handler, limit);
        } finally {
            if (position != start) {
                subscribers.positionRelease(index, position); // we are done with everything before it
            }
            if (releaser != null) {
                releasePassed(start);
            }
        }
    }

    /** Reliable rings: nobody writes over a record before every live subscriber has passed it. */
    private int pollReliable(MessageHandler handler, int limit) {
        int delivered = 0;
        while (delivered < limit) {
            long pos = position;
            long record = log.recordAt(pos);
            if (log.commitAcquire(record) != pos) {
                break; // not yet published
            }
            long header = log.lengthAndTypePlain(record);
            int length = RecordLog.length(header);
            if (!log.fits(pos, length)) {
                throw corrupt(pos, "of length " + length + ", which does not fit the log");
            }
            int type = RecordLog.type(header);
            long next = pos + aligned(length);
            if (type == TYPE_PADDING) {
                checkPadding(pos, length);
                position = next;
                continue;
            }
            wrap(record, pos, length, type);
            position = next; // the record counts as consumed even if the handler throws
            if (sequenced(log.sequencePlain(record), pos)) {
                hand(handler);
                delivered++;
            }
        }
        return delivered;
    }

    /**
     * Lossy rings, and reliable rings that may evict us: the publisher may write over a record
     * while we read it. What we need is copied (inline bytes) or attached (a buffer reference)
     * first, then we look whether the copy is whole: in a lossy ring the write head tells (if it
     * passed the record, the copy is discarded and the subscription counts itself lapped, see
     * {@code RecordDescriptor}, <i>Lossy rings</i>); in a ring with a subscriber timeout our own
     * entry tells (a publisher writes over what we hold only after it marked us EVICTED).
     */
    private int pollCopying(MessageHandler handler, int limit) {
        int delivered = 0;
        while (delivered < limit) {
            long pos = position;
            if (overtaken(pos)) {
                lapped();
                continue;
            }
            long record = log.recordAt(pos);
            if (log.commitAcquire(record) != pos) {
                break; // not yet published
            }
            long header = log.lengthAndTypePlain(record);
            int length = RecordLog.length(header);
            int type = RecordLog.type(header);
            long seq = log.sequencePlain(record);
            boolean validLength = log.fits(pos, length);
            boolean copied = validLength && copy(record, pos, length, type);
            if (overtaken(pos)) {
                lapped(); // what we read may be torn: discard it
                continue;
            }
            // From here what we read is whole.
            if (!validLength) {
                throw corrupt(pos, "of length " + length + ", which does not fit the log");
            }
            long next = pos + aligned(length);
            if (type == TYPE_PADDING) {
                checkPadding(pos, length);
                position = next;
                continue;
            }
            if (!copied) {
                throw invalid(pos, length, type);
            }
            passedReference |= isReference(type);
            position = next;
            if (sequenced(seq, pos)) {
                delivered += deliverCopied(handler) ? 1 : 0;
            }
        }
        return delivered;
    }

    /**
     * Whether what was read at {@code pos} may have been written over: in a lossy ring, the write
     * head passed it (a load-load fence orders the record's loads first); in a ring that may evict
     * us, {@link SubscriberEvictedException} when we were evicted.
     */
    private boolean overtaken(long pos) {
        if (lossy) {
            return counters.fenceThenWriteHeadOpaque() - log.capacity() > pos;
        }
        VarHandle.loadLoadFence();
        if (subscribers.stateAcquire(index) == SubscriberDescriptor.STATE_EVICTED) {
            throw evicted();
        }
        return false;
    }

    /** Copying rings: takes what a valid record says before it is checked whole; false if it is not valid. */
    private boolean copy(long record, long pos, int length, int type) {
        if (type == TYPE_INLINE && length - HEADER_LENGTH <= maxInline) {
            MemorySegment.copy(log.file(), record + HEADER_LENGTH, scratch, 0, length - HEADER_LENGTH);
            message.wrapInline(pos, scratch, 0, length - HEADER_LENGTH);
            return true;
        }
        if (isReference(type) && length == REF_RECORD_LENGTH && pool != null) {
            wrapReference(record, pos, type);
            return true;
        }
        return false;
    }

    /** Points the message at a whole record, validated; {@link CorruptRingException} if it is damaged. */
    private void wrap(long record, long pos, int length, int type) {
        if (type == TYPE_INLINE) {
            if (length - HEADER_LENGTH > maxInline) {
                throw invalid(pos, length, type);
            }
            message.wrapInline(pos, log.file(), record + HEADER_LENGTH, length - HEADER_LENGTH);
        } else if (isReference(type) && length == REF_RECORD_LENGTH && pool != null) {
            wrapReference(record, pos, type);
            passedReference = true;
        } else {
            throw invalid(pos, length, type);
        }
    }

    private CorruptRingException invalid(long pos, int length, int type) {
        return type == TYPE_INLINE ? corrupt(pos, "an inline message of " + (length - HEADER_LENGTH) + " bytes")
            : corrupt(pos, "of type " + type + " and length " + length);
    }

    private void wrapReference(long record, long pos, int type) {
        message.wrapReference(pos, type == TYPE_DEVICE_REFERENCE, log.referencePlain(record, REF_TOKEN_OFFSET),
            log.referencePlain(record, REF_OFFSET_OFFSET), log.referencePlain(record, REF_LENGTH_OFFSET),
            log.referencePlain(record, REF_TIMESTAMP_OFFSET), log.referencePlain(record, REF_TAG_OFFSET));
    }

    private void checkPadding(long pos, int length) {
        if (log.offsetInLog(pos) + length != log.capacity()) {
            throw corrupt(pos, "padding that does not end at the end of the log");
        }
    }

    /**
     * If we were the slowest, records we passed may now give their buffers back: at once when we
     * passed a buffer reference, otherwise in batches (every eighth of the log) or when idle, not
     * per inline record; the publisher also releases when it needs the room.
     */
    private void releasePassed(long start) {
        if (position == released
            || !(passedReference || position - released >= log.capacity() / 8 || position == start)) {
            return;
        }
        released = position;
        passedReference = false;
        // Our position store must be visible before we read the others', or two subscribers
        // finishing together could each think the other behind.
        VarHandle.fullFence();
        long now = System.nanoTime();
        ByteLocks probe = null; // a dead subscriber must not pin forever
        if (now - lastProbe > PROBE_INTERVAL_NANOS) {
            lastProbe = now;
            probe = mapped.locks();
        }
        long min = subscribers.minPosition(probe);
        releaser.releaseUpTo(min == Long.MAX_VALUE ? position : min);
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
            subscribers.lostOpaque(index, lost);
        }
        expected = seq + 1;
        message.sequence(seq);
        return true;
    }

    /**
     * Overtaken in a lossy ring: resume at the newest record; the next one's number says what we
     * lost. A publisher announces a write head at most a quarter of a log past the tail of the
     * moment, and moves the tail as it goes: a head that stays more than a log ahead of a tail
     * that does not move is damage, not a fast publisher, and would lap us for ever.
     */
    private void lapped() {
        lappedBeforeStart |= !started;
        counters.getAndAddLaps();
        long tail = log.checkedPosition(counters.tailAcquire(), "tail");
        if (tail != lapTail) {
            lapTail = tail;
            stuckLaps = 0;
        } else if (++stuckLaps > MAX_STUCK_LAPS) {
            throw corrupt(tail, "overtaken again and again by a write head of " + counters.writeHeadOpaque()
                + " while the tail stays here: the head is more than a log ahead; the ring was damaged");
        }
        position = tail;
    }

    /**
     * Copying rings: a buffer reference is attached (a reference of our own) before the handler
     * sees it, since the ring may drop its pin at any moment; false if the buffer was gone (a
     * lossy ring counts it lost; a reliable ring drops pins early only for evicted subscribers).
     */
    private boolean deliverCopied(MessageHandler handler) {
        if (message.isInline()) {
            hand(handler);
            return true;
        }
        long token = message.token();
        try {
            pool.attachToken(token);
        } catch (StaleTokenException e) {
            if (!lossy) {
                throw evicted();
            }
            lost++;
            subscribers.lostOpaque(index, lost);
            return false;
        }
        try {
            hand(handler);
        } finally {
            pool.releaseToken(token);
        }
        return true;
    }

    /** Calls the handler; with checked segments, what it was given dies with the call. */
    private void hand(MessageHandler handler) {
        if (!CheckedSegments.ENABLED) {
            handler.onMessage(message);
            return;
        }
        try {
            handler.onMessage(message);
        } finally {
            message.endDelivery();
        }
    }

    /**
     * Records this subscription missed because a lossy ring overtook it, or because a buffer
     * they referred to was released before it could attach. Always 0 in a reliable ring.
     */
    public long lostRecords() {
        return lost;
    }

    /** We were evicted: what the exception says, from what the evicter stored before it marked us. */
    private SubscriberEvictedException evicted() {
        long lag = subscribers.evictedLagPlain(index);
        long at = subscribers.evictedMillisPlain(index);
        int timeout = mapped.layout().subscriberTimeoutMillis();
        return new SubscriberEvictedException("subscriber " + index + " of ring '" + mapped.name() + "' was evicted at "
            + Instant.ofEpochMilli(at) + ", " + lag + " bytes behind the tail: it held the publisher back for longer "
            + "than the ring's subscriber timeout of " + timeout + " ms, or an operator evicted it; close this "
            + "subscription and subscribe again (it starts at the newest record)", lag, at);
    }

    private CorruptRingException corrupt(long pos, String what) {
        return new CorruptRingException("ring '" + mapped.name() + "': record at position " + pos + " is " + what
            + "; the ring was damaged");
    }

    /**
     * Blocks until a record is ready for this subscription, the subscription is closed (from
     * another thread), the stream ends ({@link #isEndOfStream()}: the last publication closed or
     * was found dead; looked at every 100 ms), or {@code timeout} passes; returns whether a record
     * is ready. Sleeps on a
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
    public boolean await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLook = System.nanoTime();
        while (true) {
            if (ready()) {
                return true;
            }
            long now = System.nanoTime();
            long left = deadline - now;
            if (closed || mapped.isClosed() || left <= 0) {
                return false;
            }
            if (now - nextLook >= 0) { // a killed publisher wakes nobody: look for it now and then
                nextLook = now + PUBLISHER_LOOK_NANOS;
                if (isEndOfStream()) {
                    return false;
                }
            }
            long nap = Math.min(left, Math.max(0, nextLook - now));
            if (!mapped.layout().wakeups()) { // nobody will wake us: look again in short steps
                LockSupport.parkNanos(Math.min(nap, 50_000));
            } else if (sleep(nap)) {
                return true;
            } else {
                nextLook = System.nanoTime(); // woken with nothing to read: perhaps a publication closed
            }
        }
    }

    /**
     * Registers as a sleeper, makes the publishers' fence (membarrier), looks once more, then
     * sleeps on the wake sequence; true if a record is ready. Where the barrier cannot be made
     * but a publication relies on it, it naps for 50 µs at most instead: it may not be woken.
     */
    private boolean sleep(long nanos) {
        int sequence = counters.wakeSequenceVolatile();
        counters.getAndAddSleepers(1);
        try {
            boolean barrier = Membarrier.globalExpedited() || !counters.asymmetricWake();
            if (ready()) { // checked after registering: a commit now either shows here or wakes us
                return true;
            }
            if (closed) {
                return false;
            }
            if (barrier) {
                counters.sleep(sequence, nanos);
            } else {
                LockSupport.parkNanos(Math.min(nanos, 50_000));
            }
            return false;
        } finally {
            counters.getAndAddSleepers(-1);
        }
    }

    /** Whether the record at this subscription's position is committed. */
    private boolean ready() {
        return !closed && !mapped.isClosed() && log.commitAcquire(log.recordAt(position)) == position;
    }

    /**
     * Whether a live publication of the ring exists, exclusive or concurrent, in any process: the
     * publishing byte's lock, which every publication holds while it lives, is probed (a
     * syscall; a publication killed with {@code kill -9} is seen gone at once).
     *
     * <pre>{@code
     * while (!sub.isEndOfStream()) {
     *     if (sub.await(Duration.ofSeconds(1))) sub.poll(handler, 16);
     * }
     * }</pre>
     */
    public boolean isConnected() {
        if (closed || mapped.isClosed()) {
            return false;
        }
        boolean connected = mapped.publisherAlive();
        sawPublisher |= connected;
        return connected;
    }

    /**
     * Whether the stream has ended for this subscription: every publication has closed (or died)
     * and every record published has been delivered to it. Before any publication has been seen
     * (by this subscription, or as records in the ring) the stream has not begun, so it has not
     * ended either: a subscriber may start before its publisher.
     */
    public boolean isEndOfStream() {
        if (closed || mapped.isClosed()) {
            return true;
        }
        if (isConnected()) {
            return false;
        }
        // Read after the probe: with no publication left, the tail no longer moves.
        long tail = log.checkedPosition(counters.tailAcquire(), "tail");
        return (sawPublisher || tail > 0) && position >= tail;
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
        if (!mapped.isClosed()) {
            counters.wakeAll(); // a thread blocked in await() returns
            subscribers.stateRelease(index, SubscriberDescriptor.STATE_EMPTY);
            counters.incrementMembership(); // publishers look at the table again
            ByteLocks.unlock(lock);
            if (releaser != null) {
                long min = subscribers.minPosition(null);
                releaser.releaseUpTo(min == Long.MAX_VALUE ? log.checkedPosition(counters.tailAcquire(), "tail") : min);
            }
        }
        ring.forget(this);
    }
}
