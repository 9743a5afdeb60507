package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.ring.internal.MappedRing;

import java.lang.foreign.MemorySegment;
import java.nio.channels.FileLock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A publication many threads may use, while many processes each have one (up to 64): they take
 * turns through the ring's publish lock word, one record at a time, so records never
 * interleave and sequence numbers stay in position order. A process that dies holding the turn
 * is found by its OS lock and passed over: the next taker resumes after the last committed
 * record. Obtained from {@link Ring#concurrentPublication()}; never alongside an exclusive one.
 */
public final class ConcurrentPublication extends Publication {
    /** Failed tries of the turn between looks at whether its holder is alive. */
    private static final int SPINS_PER_PROBE = 4096;

    /** Threads of this process take turns here before they compete for the ring's word. */
    private final ReentrantLock threads = new ReentrantLock();
    private final FileLock idLock;
    /** This publication's id, 1..64: the value of the publish lock word while it holds the turn. */
    private final long id;

    ConcurrentPublication(Ring ring, MappedRing mapped) {
        super(ring, mapped);
        if (!mapped.enterPublishing(true)) {
            throw new XmemException("ring '" + mapped.name() + "' already has an exclusive publication (pid "
                + counters.publisherPidOpaque() + "): concurrent ones can join once it closes");
        }
        FileLock lock = null;
        int k = 0;
        for (; k < MappedRing.MAX_CONCURRENT_PUBLICATIONS && lock == null; k++) {
            lock = mapped.locks().tryLock(MappedRing.PUBLISHER_LOCK + 1 + k);
        }
        if (lock == null) {
            mapped.leavePublishing(true);
            throw new XmemException("ring '" + mapped.name() + "' already has "
                + MappedRing.MAX_CONCURRENT_PUBLICATIONS + " concurrent publications: close some");
        }
        this.idLock = lock;
        this.id = k; // k + 1 after the loop's last increment: ids start at 1, 0 means "free"
        // The word may name our id, whose byte we now hold: its previous holder died (or closed
        // mid-claim) holding the turn. Free it with a CAS, never a plain store: a waiter that
        // probed that holder dead before we took the byte may be taking the turn over this very
        // moment, and must keep it. Whoever holds the turn next recovers what the dead one left
        // (enter() always does).
        counters.casPublishLock(id, 0);
        resume();
        counters.publisherPidOpaque(ProcessHandle.current().pid());
        mapped.publications().activateRelease((int) id);
    }

    /**
     * Takes the turn: threads of this process first through a Java lock, then the ring's word.
     * A holder whose process died is found by its unlocked id byte; the word is taken over.
     * Either way the stream resumes after the last committed record: a holder that died after
     * committing but before moving the tail left one there, and looking costs one load of a
     * commit word this turn writes anyway.
     */
    private void enter() {
        threads.lock();
        if (threads.getHoldCount() > 1) { // this thread's own claim holds the turn
            threads.unlock();
            throw new IllegalStateException("a claim is open: commit() or abort() it first");
        }
        long spins = 0;
        while (!counters.casPublishLock(0, id)) {
            Thread.onSpinWait();
            if (++spins % SPINS_PER_PROBE == 0) {
                long owner = counters.publishLockVolatile();
                if (owner != 0 && ownerDead(owner) && counters.casPublishLock(owner, id)) {
                    break;
                }
                Thread.yield();
            }
        }
        resume();
        recover();
    }

    private boolean ownerDead(long owner) {
        if (owner < 1 || owner > MappedRing.MAX_CONCURRENT_PUBLICATIONS) {
            return true; // no publication has that id: a damaged word, take it over
        }
        return !mapped.locks().isHeld(MappedRing.PUBLISHER_LOCK + owner);
    }

    private void exit() {
        counters.publishLockRelease(0);
        threads.unlock();
    }

    @Override
    public long offer(MemorySegment message) {
        int recordLength = inlineRecordLength(message);
        enter();
        try {
            return writeInline(message, recordLength);
        } finally {
            exit();
        }
    }

    @Override
    public long offer(long token, long offset, long length, long timestamp, long tag) {
        checkReference(token, offset, length);
        enter();
        try {
            return writeReference(token, offset, length, timestamp, tag);
        } finally {
            exit();
        }
    }

    @Override
    long send(Buffer buffer, long token, long length, long timestamp, long tag) {
        checkReference(token, 0, length);
        enter();
        try {
            return writeReference(token, 0, length, timestamp, tag, buffer);
        } finally {
            exit();
        }
    }

    @Override
    public long tryClaim(int length, RecordClaim claim) {
        checkClaimLength(length);
        enter(); // the turn is held until the claim is committed or aborted
        long result;
        try {
            result = openClaim(length, claim);
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        }
        if (result < 0) {
            exit();
        }
        return result;
    }

    @Override
    long commitClaim(long position, int length) {
        try {
            return finishClaim(position, length);
        } finally {
            exit();
        }
    }

    @Override
    void abortClaim() {
        openClaim = null;
        exit();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (openClaim != null) {
            openClaim.abort(); // gives the turn back and publishes nothing
        }
        closed = true;
        if (!mapped.isClosed()) {
            mapped.publications().emptyRelease((int) id);
            ByteLocks.unlock(idLock);
            mapped.leavePublishing(true);
            closed();
        }
        ring.forget(this);
    }
}
