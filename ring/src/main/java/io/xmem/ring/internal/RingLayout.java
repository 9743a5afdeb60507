package io.xmem.ring.internal;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.InvalidNameException;
import io.xmem.pool.internal.shm.Align;
import io.xmem.pool.internal.shm.SharedFile;
import io.xmem.ring.RingConfig;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.xmem.ring.internal.RingHeaderDescriptor.*;

/**
 * The immutable shape of one ring file, built from a config by the creator or read back and
 * validated by an opener; the process keeps this copy and never re-reads the shape.
 */
public record RingLayout(int capacity, int maxSubscribers, int maxInlineLength, boolean lossy, boolean wakeups,
                         int subscriberTimeoutMillis, long ringId, long poolId, String poolName,
                         long subscriberTableOffset, long logOffset, long fileLength) {
    /** The publication table follows the counters. */
    public static final long PUBLICATION_TABLE_OFFSET = LENGTH;
    /** Then the subscriber table: always at the same offset. */
    public static final long SUBSCRIBER_TABLE_OFFSET =
        PUBLICATION_TABLE_OFFSET + (long) PublicationDescriptor.ENTRIES * PublicationDescriptor.LENGTH;

    public static RingLayout of(RingConfig config, long ringId, long poolId) {
        long log = logOffset(config.maxSubscribers());
        return new RingLayout(config.capacity(), config.maxSubscribers(), config.maxInlineLength(), config.lossy(),
            config.wakeups(), timeoutMillis(config), ringId, poolId, config.pool(), SUBSCRIBER_TABLE_OFFSET, log,
            log + config.capacity());
    }

    private static int timeoutMillis(RingConfig config) {
        return config.subscriberTimeout() == null ? 0 : (int) config.subscriberTimeout().toMillis();
    }

    /** What differs between this ring's shape and the one {@code config} asks for, in words; empty if none. */
    public List<String> differences(RingConfig config) {
        List<String> out = new ArrayList<>();
        differ(out, "capacity", capacity, config.capacity());
        differ(out, "max subscribers", maxSubscribers, config.maxSubscribers());
        differ(out, "max inline length", maxInlineLength, config.maxInlineLength());
        differ(out, "lossy", lossy, config.lossy());
        differ(out, "wake-ups", wakeups, config.wakeups());
        differ(out, "subscriber timeout (ms)", subscriberTimeoutMillis, timeoutMillis(config));
        differ(out, "pool", poolName, config.pool());
        return out;
    }

    private static void differ(List<String> out, String what, Object here, Object wanted) {
        if (!Objects.equals(here, wanted)) {
            out.add("its " + what + " is " + here + ", the config's " + wanted);
        }
    }

    /** Whether subscribers may be evicted: the ring has a subscriber timeout. */
    public boolean evictable() {
        return subscriberTimeoutMillis > 0;
    }

    public long subscriberOffset(int index) {
        return subscriberTableOffset + (long) index * SubscriberDescriptor.LENGTH;
    }

    /** Entry {@code k} of the publication table: 0 the exclusive publication, 1..64 a concurrent one's id. */
    public long publicationOffset(int k) {
        return PUBLICATION_TABLE_OFFSET + (long) k * PublicationDescriptor.LENGTH;
    }

    /** The log starts after the subscriber table, on a page boundary. */
    private static long logOffset(int maxSubscribers) {
        return Align.up(SUBSCRIBER_TABLE_OFFSET + (long) maxSubscribers * SubscriberDescriptor.LENGTH, 4096);
    }

    /** The header's flags word. */
    public int flags() {
        return (lossy ? FLAG_LOSSY : 0) | (wakeups ? 0 : FLAG_NO_WAKEUPS);
    }

    /**
     * Writes the header's own fields and primes the log: everything but the 32-byte prefix,
     * which {@link io.xmem.pool.internal.shm.SharedFile} writes (magic and READY after this).
     */
    public void writeTo(MemorySegment file, long creatorPid) {
        file.set(ValueLayout.JAVA_LONG, CAPACITY_OFFSET, capacity);
        file.set(ValueLayout.JAVA_INT, SUBSCRIBER_TIMEOUT_OFFSET, subscriberTimeoutMillis);
        file.set(ValueLayout.JAVA_INT, MAX_SUBSCRIBERS_OFFSET, maxSubscribers);
        file.set(ValueLayout.JAVA_INT, MAX_INLINE_OFFSET, maxInlineLength);
        file.set(ValueLayout.JAVA_LONG, RING_ID_OFFSET, ringId);
        file.set(ValueLayout.JAVA_LONG, POOL_ID_OFFSET, poolId);
        file.set(ValueLayout.JAVA_LONG, CREATOR_PID_OFFSET, creatorPid);
        file.set(ValueLayout.JAVA_LONG, CREATED_MILLIS_OFFSET, System.currentTimeMillis());
        byte[] name = poolName == null ? new byte[0] : poolName.getBytes(StandardCharsets.UTF_8);
        file.set(ValueLayout.JAVA_INT, POOL_NAME_LENGTH_OFFSET, name.length);
        MemorySegment.copy(name, 0, file, ValueLayout.JAVA_BYTE, POOL_NAME_OFFSET, name.length);
        file.set(ValueLayout.JAVA_LONG, SUBSCRIBER_TABLE_OFFSET_OFFSET, subscriberTableOffset);
        file.set(ValueLayout.JAVA_LONG, LOG_OFFSET_OFFSET, logOffset);
        // Every position starts at 0; a commit word of 0 at log offset 0 would read as a record
        // at position 0, so the log starts with commit words that name no position (-1).
        for (long at = 0; at < capacity; at += RecordDescriptor.ALIGNMENT) {
            file.set(ValueLayout.JAVA_LONG, logOffset + at, -1L);
        }
    }

    /**
     * Reads and validates the layout of a READY ring file of {@code actualSize} bytes, whose
     * prefix (magic, version, header length, file length) the shared-file layer has checked.
     */
    public static RingLayout read(MemorySegment file, long actualSize, String what) {
        int flags = file.get(ValueLayout.JAVA_INT, FLAGS_OFFSET);
        check((flags & ~(FLAG_LOSSY | FLAG_NO_WAKEUPS)) == 0, what, "flags 0x" + Integer.toHexString(flags));
        long fileLength = actualSize;
        long capacity = file.get(ValueLayout.JAVA_LONG, CAPACITY_OFFSET);
        check(capacity >= RingConfig.MIN_CAPACITY && capacity <= RingConfig.MAX_CAPACITY
            && Long.bitCount(capacity) == 1,
            what, "capacity " + capacity);
        int maxSubscribers = file.get(ValueLayout.JAVA_INT, MAX_SUBSCRIBERS_OFFSET);
        check(maxSubscribers >= 1 && maxSubscribers <= RingConfig.MAX_SUBSCRIBERS, what, "max subscribers "
            + maxSubscribers);
        int maxInline = file.get(ValueLayout.JAVA_INT, MAX_INLINE_OFFSET);
        check(maxInline >= 0 && maxInline <= RingConfig.maxInlineLimit((int) capacity), what, "max inline length "
            + maxInline);
        int nameLength = file.get(ValueLayout.JAVA_INT, POOL_NAME_LENGTH_OFFSET);
        check(nameLength >= 0 && nameLength <= POOL_NAME_MAX, what, "pool name length " + nameLength);
        byte[] name = new byte[nameLength];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, POOL_NAME_OFFSET, name, 0, nameLength);
        String poolName = nameLength == 0 ? null : new String(name, StandardCharsets.UTF_8);
        if (poolName != null) {
            try {
                SharedFile.checkName(poolName);
            } catch (InvalidNameException e) {
                throw new IncompatibleLayoutException(what + " names an invalid pool: damaged", e);
            }
        }
        long poolId = file.get(ValueLayout.JAVA_LONG, POOL_ID_OFFSET);
        int timeout = file.get(ValueLayout.JAVA_INT, SUBSCRIBER_TIMEOUT_OFFSET);
        check(timeout >= 0, what, "subscriber timeout " + timeout);
        long logOffset = logOffset(maxSubscribers);
        RingLayout expected = new RingLayout((int) capacity, maxSubscribers, maxInline, (flags & FLAG_LOSSY) != 0,
            (flags & FLAG_NO_WAKEUPS) == 0, timeout, file.get(ValueLayout.JAVA_LONG, RING_ID_OFFSET), poolId, poolName,
            SUBSCRIBER_TABLE_OFFSET, logOffset, logOffset + capacity);
        check(file.get(ValueLayout.JAVA_LONG, SUBSCRIBER_TABLE_OFFSET_OFFSET) == expected.subscriberTableOffset, what,
            "subscriber table offset");
        check(file.get(ValueLayout.JAVA_LONG, LOG_OFFSET_OFFSET) == expected.logOffset, what, "log offset");
        check(expected.fileLength == fileLength, what, "file length does not match its regions");
        return expected;
    }

    private static void check(boolean ok, String what, String field) {
        if (!ok) {
            throw new IncompatibleLayoutException(what + " has an invalid header (" + field
                + "): it is damaged or was not written by xmem; delete and recreate the ring");
        }
    }
}
