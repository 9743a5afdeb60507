package io.xmem.ring;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.OpenFiles;
import io.xmem.pool.internal.shm.SharedFile;
import io.xmem.ring.internal.RecordDescriptor;
import io.xmem.ring.internal.RecordLog;
import io.xmem.ring.internal.RingCounters;
import io.xmem.ring.internal.RingFiles;
import io.xmem.ring.internal.RingLayout;
import io.xmem.ring.internal.RingStatsReader;

import java.lang.invoke.VarHandle;
import java.nio.file.Path;

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
        MappedFile<RingLayout> mapped = SharedFile.open(RingFiles.FORMAT, directory, name, true, RingLayout::read);
        try {
            // Liveness through this JVM's lock channel of the ring if it has one, else a read-only one of our own.
            return OpenFiles.withLocks(RingFiles.FORMAT, directory, name,
                (locks, open) -> snapshot(name, mapped, locks));
        } finally {
            mapped.close();
        }
    }

    /**
     * What ring {@code name} carried from position {@code from} to its tail, read from the log
     * without opening the ring: records, inline payload bytes, and the bytes of the pool buffers its
     * references name, the payload that moved by reference beside the log's own bytes. For a
     * watcher that remembers the tail of its last look. Records overwritten since (more than a log
     * ago) are not counted; the result's {@link RingTraffic#from()} says where the count started.
     *
     * <pre>{@code
     * long tail = RingInspection.inspect("video", dir).stats().tail();
     * Thread.sleep(1000);
     * RingTraffic t = RingInspection.traffic("video", dir, tail);
     * System.out.println(t.referencedBytes() + " bytes by reference in about a second");
     * }</pre>
     */
    public static RingTraffic traffic(String name, Path directory, long from) {
        MappedFile<RingLayout> mapped = SharedFile.open(RingFiles.FORMAT, directory, name, true, RingLayout::read);
        try {
            RecordLog log = new RecordLog(mapped.segment(), mapped.layout(), name);
            long to = new RingCounters(mapped.segment()).tailAcquire();
            long start = from < 0 || from > to ? to // nothing, or a position of another ring of that name
                : to - from <= log.capacity() ? from
                : firstRecord(log, to - log.capacity() / 2, to); // the older half may be overwritten as we read
            return count(log, start, to);
        } finally {
            mapped.close();
        }
    }

    /**
     * The first record boundary at or after {@code position}: the first 32-byte block whose commit
     * word holds its own position (an older lap's word holds an older one).
     */
    private static long firstRecord(RecordLog log, long position, long to) {
        long first = (position + RecordDescriptor.ALIGNMENT - 1) & -RecordDescriptor.ALIGNMENT;
        for (long p = first; p < to; p += RecordDescriptor.ALIGNMENT) {
            if (log.commitAcquire(log.recordAt(p)) == p) {
                return p;
            }
        }
        return to;
    }

    /**
     * Counts the records in {@code [from, to)}, each checked as a lossy reader does: its commit word
     * read again after its fields, so a record the publisher overwrites meanwhile ends the count there.
     */
    private static RingTraffic count(RecordLog log, long from, long to) {
        long records = 0;
        long inline = 0;
        long referenced = 0;
        long p = from;
        while (p < to) {
            long record = log.recordAt(p);
            if (log.commitAcquire(record) != p) {
                break; // overwritten by a newer lap
            }
            int length = log.lengthPlain(record);
            int type = log.typePlain(record);
            boolean reference = RecordDescriptor.isReference(type) && log.fits(p, RecordDescriptor.REF_RECORD_LENGTH);
            long refLength = reference ? log.referencePlain(record, RecordDescriptor.REF_LENGTH_OFFSET) : 0;
            VarHandle.loadLoadFence(); // the fields above, then the commit word again
            if (log.commitAcquire(record) != p || !log.fits(p, length)) {
                break; // changed while read, or damaged
            }
            if (reference) {
                records++;
                referenced += Math.max(0, refLength);
            } else if (type != RecordDescriptor.TYPE_PADDING) {
                records++;
                inline += length - RecordDescriptor.HEADER_LENGTH;
            }
            p += RecordDescriptor.aligned(length);
        }
        return new RingTraffic(from, p, records, inline, referenced);
    }

    private static RingSnapshot snapshot(String name, MappedFile<RingLayout> mapped, ByteLocks locks) {
        RingLayout layout = mapped.layout();
        RingCounters counters = new RingCounters(mapped.segment());
        RingStats stats = RingStatsReader.read(name, layout, mapped.segment(), locks);
        return new RingSnapshot(mapped.path(), layout.poolName(), layout.poolId(), layout.wakeups(),
            counters.releasePositionVolatile(), counters.publisherPidOpaque(), stats);
    }
}
