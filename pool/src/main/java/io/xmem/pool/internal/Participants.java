package io.xmem.pool.internal;

import io.xmem.pool.TooManyParticipantsException;
import io.xmem.pool.XmemException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;

import static io.xmem.pool.internal.ParticipantDescriptor.*;

/**
 * The participant table and the lock file that says who is alive. Entry {@code i} belongs
 * to whoever holds an exclusive lock on byte {@code i} of the lock file; the OS drops the
 * lock when that process dies, however it dies, so {@code tryLock} succeeding on someone
 * else's byte proves the owner gone.
 *
 * <p>Java file locks are held per JVM, and closing any channel of a file may drop all of a
 * process's locks on it: so each JVM opens a pool's lock file through exactly one channel,
 * owned by the one {@link SharedPool} of that pool in the JVM, and every probe goes
 * through it (serialised by the caller).
 */
public final class Participants {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();
    /** How long {@link #claim} keeps trying entries that are momentarily locked by a peer's probe. */
    private static final long CLAIM_RETRY_NANOS = 500_000_000L;

    private final MemorySegment file;
    private final PoolLayout layout;
    private final FileChannel lockChannel;

    public Participants(MemorySegment file, PoolLayout layout, FileChannel lockChannel) {
        this.file = file;
        this.layout = layout;
        this.lockChannel = lockChannel;
    }

    public int capacity() {
        return layout.maxParticipants;
    }

    /** Entry fields as stored; diagnostics only, never trusted for decisions. */
    public int state(int index) {
        return (int) INT.getAcquire(file, layout.participantOffset(index) + STATE_OFFSET);
    }

    public long pid(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.participantOffset(index) + PID_OFFSET);
    }

    public long startMillis(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.participantOffset(index) + START_MILLIS_OFFSET);
    }

    /** A claimed entry: its index and the lock that keeps it ours. */
    public record Claim(int index, FileLock lock) {
    }

    /**
     * Takes the first entry whose lock is free. The caller must clear any bits the entry's
     * previous owners left before calling {@link #activate}.
     */
    public Claim claim(String poolName) {
        // A peer's liveness probe or reclaim holds a dead entry's lock for a moment: retry for a
        // bounded time before calling the pool full.
        long deadline = System.nanoTime() + CLAIM_RETRY_NANOS;
        long pause = 50_000;
        do {
            for (int i = 0; i < layout.maxParticipants; i++) {
                FileLock lock = tryLock(i, false);
                if (lock != null) {
                    return new Claim(i, lock);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 20_000_000);
        } while (System.nanoTime() - deadline < 0);
        throw new TooManyParticipantsException("pool '" + poolName + "' already has " + layout.maxParticipants
            + " live participants (its maxParticipants): close a process using it, or recreate the pool with a higher "
            + "PoolConfig.maxParticipants (at most " + io.xmem.pool.PoolConfig.MAX_PARTICIPANTS + ")");
    }

    /** Fills the entry and marks it ACTIVE (release: the fields are visible before the state). */
    public void activate(int index, long pid, long startMillis) {
        long e = layout.participantOffset(index);
        file.set(ValueLayout.JAVA_INT, e + KIND_OFFSET, KIND_PROCESS);
        file.set(ValueLayout.JAVA_LONG, e + PID_OFFSET, pid);
        file.set(ValueLayout.JAVA_LONG, e + START_MILLIS_OFFSET, startMillis);
        file.set(ValueLayout.JAVA_LONG, e + JOINED_MILLIS_OFFSET, System.currentTimeMillis());
        INT.setRelease(file, e + STATE_OFFSET, STATE_ACTIVE);
    }

    /** Marks the entry EMPTY; the caller holds its lock and has cleared its bits. */
    public void deactivate(int index) {
        INT.setRelease(file, layout.participantOffset(index) + STATE_OFFSET, STATE_EMPTY);
    }

    /**
     * Probes entry {@code index}, which must not be this JVM's own: returns the entry's lock if
     * its owner is dead (the caller then holds it and must release it), or {@code null} while
     * the owner lives. With {@code shared} the probe takes a shared lock, enough to test
     * liveness without blocking a concurrent claim for longer than the probe.
     */
    public FileLock tryLock(int index, boolean shared) {
        try {
            return lockChannel.tryLock(index, 1, shared);
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("participant " + index + " is already locked by this JVM", e);
        } catch (IOException e) {
            throw new XmemException("cannot lock byte " + index + " of the pool's lock file: " + e.getMessage(), e);
        }
    }

    public static void unlock(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            throw new XmemException("cannot release a participant lock: " + e.getMessage(), e);
        }
    }
}
