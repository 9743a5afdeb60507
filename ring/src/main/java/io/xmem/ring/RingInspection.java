package io.xmem.ring;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.FileIo;
import io.xmem.ring.internal.RingHeaderDescriptor;
import io.xmem.ring.internal.RingLayout;
import io.xmem.ring.internal.SharedRing;
import io.xmem.ring.internal.SubscriberDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Looks at a ring without opening it: maps the ring file read-only, validates its header as an
 * opener does, reads the counters and the subscriber table, and tests each ACTIVE subscriber's
 * liveness with a shared lock on its byte of {@code NAME.ring.lock}, dropped at once. Unlike
 * {@link Ring#open}, it neither opens the ring's pool (so it joins no pool and frees nothing)
 * nor writes anything.
 *
 * <pre>{@code
 * RingSnapshot s = RingInspection.inspect("md", Path.of("/dev/shm"));
 * s.stats().subscribers().forEach(sub -> System.out.println(sub.pid() + " lags " + sub.lag()));
 * }</pre>
 */
public final class RingInspection {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private RingInspection() {
    }

    /** Inspects a ring in {@code /dev/shm}. */
    public static RingSnapshot inspect(String name) {
        return inspect(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /**
     * Inspects the ring {@code name} in {@code directory}: {@link RingNotFoundException} if absent,
     * {@link IncompatibleLayoutException} if the file is not a valid ring (or not READY within 5 s).
     */
    public static RingSnapshot inspect(String name, Path directory) {
        Path path = SharedRing.ringPath(directory, name);
        SharedRing.waitReady(name, path);
        String what = "ring file " + path;
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < RingHeaderDescriptor.LENGTH) {
                throw new IncompatibleLayoutException(what + " is only " + size + " bytes: truncated; delete and recreate it");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            RingLayout layout = RingLayout.read(file, size, what);
            Path lockPath = SharedRing.lockPath(directory, name);
            // Under the ring registry's lock: no ring of this JVM opens or closes while we hold a lock channel.
            return SharedRing.withOpen(name, path, open -> open != null
                ? snapshot(name, path, file, layout, index -> isHeld(open, index))
                : probingLockFile(name, path, lockPath, file, layout));
        } catch (NoSuchFileException e) {
            throw new RingNotFoundException("ring '" + name + "' does not exist (no " + path + ")", e);
        } catch (IOException e) {
            throw new XmemException("cannot read ring '" + name + "' at " + path + ": " + e.getMessage(), e);
        }
    }

    private static RingSnapshot probingLockFile(String name, Path path, Path lockPath, MemorySegment file,
                                                RingLayout layout) {
        FileChannel lockChannel;
        try {
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return snapshot(name, path, file, layout, index -> false); // no lock file: nobody holds a byte of it
        } catch (IOException e) {
            throw new XmemException("cannot open " + lockPath + " to test which subscribers live: " + e.getMessage(), e);
        }
        try {
            return snapshot(name, path, file, layout, index -> {
                try {
                    FileLock lock = lockChannel.tryLock(index, 1, true);
                    if (lock == null) {
                        return true;
                    }
                    lock.release();
                    return false;
                } catch (OverlappingFileLockException e) {
                    return true; // this JVM holds it
                } catch (IOException e) {
                    throw new XmemException("cannot probe byte " + index + " of " + lockPath + ": " + e.getMessage(), e);
                }
            });
        } finally {
            FileIo.closeQuietly(lockChannel);
        }
    }

    private static boolean isHeld(SharedRing open, int index) {
        FileLock lock = open.tryLock(index, true);
        if (lock == null) {
            return true;
        }
        SharedRing.unlock(lock);
        return false;
    }

    private static RingSnapshot snapshot(String name, Path path, MemorySegment file, RingLayout layout, IntPredicate alive) {
        long tail = (long) LONG.getAcquire(file, (long) RingHeaderDescriptor.TAIL_OFFSET);
        List<RingStats.SubscriberStats> subscribers = new ArrayList<>();
        for (int i = 0; i < layout.maxSubscribers(); i++) {
            long entry = layout.subscriberOffset(i);
            if ((int) INT.getAcquire(file, entry + SubscriberDescriptor.STATE_OFFSET) != SubscriberDescriptor.STATE_ACTIVE) {
                continue;
            }
            long position = (long) LONG.getAcquire(file, entry + SubscriberDescriptor.POSITION_OFFSET);
            subscribers.add(new RingStats.SubscriberStats(i, file.get(ValueLayout.JAVA_LONG, entry + SubscriberDescriptor.PID_OFFSET),
                alive.test(i), position, Math.max(0, tail - position),
                file.get(ValueLayout.JAVA_LONG, entry + SubscriberDescriptor.LOST_OFFSET)));
        }
        RingStats stats = new RingStats(name, layout.capacity(), layout.lossy(), tail, counter(file,
            RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET), counter(file, RingHeaderDescriptor.BACK_PRESSURED_COUNT_OFFSET),
            counter(file, RingHeaderDescriptor.LAPS_OFFSET), List.copyOf(subscribers));
        return new RingSnapshot(path, layout.poolName(), layout.poolId(), layout.wakeups(),
            (long) LONG.getVolatile(file, (long) RingHeaderDescriptor.RELEASE_POSITION_OFFSET),
            counter(file, RingHeaderDescriptor.PUBLISHER_PID_OFFSET), stats);
    }

    private static long counter(MemorySegment file, int offset) {
        return (long) LONG.getOpaque(file, (long) offset);
    }
}
