package io.xmem.ring.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import static io.xmem.ring.internal.RingHeaderDescriptor.*;

/**
 * Flyweight over a ring's counters (bytes 512 to 1407 of the file, see
 * {@link RingHeaderDescriptor}). Each accessor's name says its memory order: {@code Acquire}
 * loads pair with {@code Release} stores, {@code Opaque} is a single-copy-atomic access without
 * ordering (statistics, hints), {@code Volatile} is sequentially consistent, and {@code cas} and
 * {@code getAndAdd} are atomic read-modify-writes. Why each field has its mode is written in
 * {@code ring/LAYOUT.md}, <i>Counters</i>.
 */
public final class RingCounters {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private final MemorySegment file;

    public RingCounters(MemorySegment file) {
        this.file = file;
    }

    // ------------------------------------------------------------ publishing

    /** Position after the last committed record; the publisher stores it after the commit it covers. */
    public long tailAcquire() {
        return (long) LONG.getAcquire(file, (long) TAIL_OFFSET);
    }

    public void tailRelease(long position) {
        LONG.setRelease(file, (long) TAIL_OFFSET, position);
    }

    /** Records published: the sequence number of the next record. Stored before the tail. */
    public long publishedOpaque() {
        return (long) LONG.getOpaque(file, (long) PUBLISHED_COUNT_OFFSET);
    }

    public void publishedOpaque(long count) {
        LONG.setOpaque(file, (long) PUBLISHED_COUNT_OFFSET, count);
    }

    public long backPressuredOpaque() {
        return (long) LONG.getOpaque(file, (long) BACK_PRESSURED_COUNT_OFFSET);
    }

    /** One more back-pressure event; only the publisher holding the turn writes it, so load and store suffice. */
    public void incrementBackPressuredOpaque() {
        LONG.setOpaque(file, (long) BACK_PRESSURED_COUNT_OFFSET, backPressuredOpaque() + 1);
    }

    /** The last publisher's pid: diagnostics. */
    public long publisherPidOpaque() {
        return (long) LONG.getOpaque(file, (long) PUBLISHER_PID_OFFSET);
    }

    public void publisherPidOpaque(long pid) {
        LONG.setOpaque(file, (long) PUBLISHER_PID_OFFSET, pid);
    }

    // ------------------------------------------------------------ pins

    /** Records below it have dropped their pins; it moves only by CAS, so each pin is dropped once. */
    public long releasePositionVolatile() {
        return (long) LONG.getVolatile(file, (long) RELEASE_POSITION_OFFSET);
    }

    public boolean casReleasePosition(long expected, long update) {
        return (boolean) LONG.compareAndSet(file, (long) RELEASE_POSITION_OFFSET, expected, update);
    }

    // ------------------------------------------------------------ subscribers joining and leaving

    public long membershipAcquire() {
        return (long) LONG.getAcquire(file, (long) MEMBERSHIP_OFFSET);
    }

    /** A subscriber joined or left: publishers look at the table again at their next offer. */
    public void incrementMembership() {
        long unused = (long) LONG.getAndAdd(file, (long) MEMBERSHIP_OFFSET, 1L);
    }

    // ------------------------------------------------------------ lossy rings

    /**
     * Announces that bytes up to {@code end} are about to be written: the store-store fence
     * makes the head visible before any byte it announces.
     */
    public void writeHeadOpaqueThenFence(long end) {
        LONG.setOpaque(file, (long) WRITE_HEAD_OFFSET, end);
        VarHandle.storeStoreFence();
    }

    /** The write head, read after the record's bytes (the load-load fence orders them first). */
    public long fenceThenWriteHeadOpaque() {
        VarHandle.loadLoadFence();
        return (long) LONG.getOpaque(file, (long) WRITE_HEAD_OFFSET);
    }

    public long writeHeadOpaque() {
        return (long) LONG.getOpaque(file, (long) WRITE_HEAD_OFFSET);
    }

    public long lapsOpaque() {
        return (long) LONG.getOpaque(file, (long) LAPS_OFFSET);
    }

    /** A subscriber was overtaken; many may count at once. */
    public void getAndAddLaps() {
        long unused = (long) LONG.getAndAdd(file, (long) LAPS_OFFSET, 1L);
    }

    // ------------------------------------------------------------ concurrent publications' turn

    public boolean casPublishLock(long expected, long update) {
        return (boolean) LONG.compareAndSet(file, (long) PUBLISH_LOCK_OFFSET, expected, update);
    }

    public long publishLockVolatile() {
        return (long) LONG.getVolatile(file, (long) PUBLISH_LOCK_OFFSET);
    }

    /** Gives the turn back: what was written under it is visible before the word reads free. */
    public void publishLockRelease(long value) {
        LONG.setRelease(file, (long) PUBLISH_LOCK_OFFSET, value);
    }

    // ------------------------------------------------------------ sleeping subscribers

    /**
     * After a commit: wakes sleeping subscribers, if any. The full fence orders the commit before
     * the read of the sleeper count: either a subscriber about to sleep sees the record, or the
     * publisher sees the subscriber (see {@link RingHeaderDescriptor}).
     */
    public void fenceThenWakeSleepers() {
        VarHandle.fullFence();
        if ((int) INT.getVolatile(file, (long) SLEEPERS_OFFSET) != 0) {
            wakeAll();
        }
    }

    /**
     * After a commit, in a publisher registered for {@link Membarrier}: wakes sleeping subscribers,
     * if any, with no fence. A subscriber about to sleep makes this thread execute a full barrier
     * (membarrier) after it counted itself, so either it sees the commit or this load sees it. The
     * compiler must still keep this load after the commit's store: the acquire fence (no
     * instruction on x86-64, a memory barrier node to the JIT) is there for that.
     */
    public void wakeSleepersAfterCommit() {
        VarHandle.acquireFence();
        if ((int) INT.getOpaque(file, (long) SLEEPERS_OFFSET) != 0) {
            wakeAll();
        }
    }

    /** A publication that relies on sleepers' membarrier says so, for good (see {@link #asymmetricWake()}). */
    public void markAsymmetricWake() {
        if ((int) INT.getVolatile(file, (long) ASYMMETRIC_WAKE_OFFSET) == 0) {
            INT.setVolatile(file, (long) ASYMMETRIC_WAKE_OFFSET, 1);
        }
    }

    /** Whether some publication of this ring ever left out its per-record fence. */
    public boolean asymmetricWake() {
        return (int) INT.getVolatile(file, (long) ASYMMETRIC_WAKE_OFFSET) != 0;
    }

    /** Bumps the wake sequence and wakes every sleeper (also used on close). */
    public void wakeAll() {
        int previous = (int) INT.getAndAdd(file, (long) WAKE_SEQUENCE_OFFSET, 1);
        if (Futex.AVAILABLE) {
            Futex.wakeAll(file.address() + WAKE_SEQUENCE_OFFSET);
        }
    }

    public int wakeSequenceVolatile() {
        return (int) INT.getVolatile(file, (long) WAKE_SEQUENCE_OFFSET);
    }

    public void getAndAddSleepers(int delta) {
        int previous = (int) INT.getAndAdd(file, (long) SLEEPERS_OFFSET, delta);
    }

    /** Sleeps while the wake sequence is {@code sequence}, at most {@code nanos}. */
    public void sleep(int sequence, long nanos) {
        if (Futex.AVAILABLE) {
            Futex.await(file.address() + WAKE_SEQUENCE_OFFSET, sequence, nanos);
        } else {
            LockSupport.parkNanos(Math.min(nanos, 50_000));
        }
    }
}
