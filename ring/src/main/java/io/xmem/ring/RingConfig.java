package io.xmem.ring;

import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.internal.shm.SharedFile;
import io.xmem.ring.internal.RecordDescriptor;

import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * How a ring is shaped: the capacity of its log, the pool whose buffers its records may refer
 * to, how many subscribers it admits, the longest inline message, and where its file lives.
 *
 * <pre>{@code
 * RingConfig cfg = RingConfig.builder()
 *     .capacity(1 << 20)        // bytes of log, a power of two
 *     .pool("frames")           // records may refer to buffers of this pool
 *     .maxSubscribers(8)
 *     .build();
 * }</pre>
 */
public final class RingConfig {
    public static final int MIN_CAPACITY = 4096;
    public static final int MAX_CAPACITY = 1 << 30;
    public static final int MAX_SUBSCRIBERS = 1024;

    private final int capacity;
    private final String pool;
    private final int maxSubscribers;
    private final int maxInlineLength;
    private final Path directory;
    private final Set<PosixFilePermission> permissions;
    private final boolean lossy;
    private final boolean wakeups;
    private final Duration subscriberTimeout;

    private RingConfig(Builder b) {
        this.subscriberTimeout = b.subscriberTimeout;
        this.lossy = b.lossy;
        this.wakeups = b.wakeups;
        this.capacity = b.capacity;
        this.pool = b.pool;
        this.maxSubscribers = b.maxSubscribers;
        this.maxInlineLength = b.maxInlineLength < 0 ? maxInlineLimit(capacity) : b.maxInlineLength;
        this.directory = b.directory;
        this.permissions = Set.copyOf(b.permissions);
    }

    /**
     * The longest inline payload a ring of {@code capacity} bytes takes: a record (24-byte header
     * and payload) is at most an eighth of the log, so a wrap never pads away more than that.
     */
    public static int maxInlineLimit(int capacity) {
        return capacity / 8 - RecordDescriptor.HEADER_LENGTH;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int capacity() {
        return capacity;
    }

    /** The pool's name, or {@code null} for a ring of inline messages only. */
    public String pool() {
        return pool;
    }

    public int maxSubscribers() {
        return maxSubscribers;
    }

    public int maxInlineLength() {
        return maxInlineLength;
    }

    public Path directory() {
        return directory;
    }

    public Set<PosixFilePermission> permissions() {
        return permissions;
    }

    /** Whether the publisher never waits (lossy) instead of waiting for the slowest subscriber. */
    public boolean lossy() {
        return lossy;
    }

    /** How long a live subscriber may hold a reliable publisher back before it is evicted; null: for ever. */
    public Duration subscriberTimeout() {
        return subscriberTimeout;
    }

    /** Whether subscribers may sleep in {@code await} and be woken by publishers. */
    public boolean wakeups() {
        return wakeups;
    }

    public static final class Builder {
        private boolean lossy;
        private boolean wakeups = true;
        private Duration subscriberTimeout;
        private int capacity = 1 << 20;
        private String pool;
        private int maxSubscribers = 16;
        private int maxInlineLength = -1;
        private Path directory = PoolConfig.DEFAULT_DIRECTORY;
        private Set<PosixFilePermission> permissions = PoolConfig.DEFAULT_PERMISSIONS;

        private Builder() {
        }

        /** Bytes of record log: a power of two from 4 KiB to 1 GiB; default 1 MiB. */
        public Builder capacity(int capacity) {
            if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
                throw new InvalidConfigException("ring capacity must be a power of two from " + MIN_CAPACITY + " to "
                    + MAX_CAPACITY + ", was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** The pool (in the ring's directory) whose buffers records may refer to. */
        public Builder pool(String pool) {
            this.pool = pool;
            return this;
        }

        /** Subscribers the ring admits at once (1..1024); default 16. */
        public Builder maxSubscribers(int maxSubscribers) {
            if (maxSubscribers < 1 || maxSubscribers > MAX_SUBSCRIBERS) {
                throw new InvalidConfigException("maxSubscribers must be 1.." + MAX_SUBSCRIBERS + ", was "
                    + maxSubscribers);
            }
            this.maxSubscribers = maxSubscribers;
            return this;
        }

        /** Longest inline message in bytes; default and maximum: capacity / 8 − 24. */
        public Builder maxInlineLength(int maxInlineLength) {
            if (maxInlineLength < 0) {
                throw new InvalidConfigException("maxInlineLength must not be negative, was " + maxInlineLength);
            }
            this.maxInlineLength = maxInlineLength;
            return this;
        }

        public Builder directory(Path directory) {
            if (directory == null) {
                throw new InvalidConfigException("directory must not be null");
            }
            this.directory = directory;
            return this;
        }

        /** Permissions of the ring's files, as {@code ls} shows them; default {@code rw-------}. */
        public Builder permissions(String permissions) {
            try {
                this.permissions = PosixFilePermissions.fromString(permissions);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("permissions must look like rw-rw----, were " + permissions, e);
            }
            return this;
        }

        /**
         * Lossy flow control: the publisher never waits; a subscriber that falls a whole log
         * behind is lapped, learns exactly how many records it lost, and carries on from the
         * newest. Default false: reliable (the slowest live subscriber back-pressures).
         */
        public Builder lossy(boolean lossy) {
            this.lossy = lossy;
            return this;
        }

        /**
         * Whether subscribers may sleep on the ring's futex word and be woken by each commit
         * (default true). A publisher pays one load of the sleeper count per record for it, no
         * fence (a subscriber about to sleep makes the barrier with {@code membarrier}; where the
         * kernel has none, publishers fence per record and say so in the file). A ring whose
         * subscribers only spin or back off can turn it off, and {@code Subscription.await} then
         * parks in short steps instead; measured, the two cost the same (perf/README.md).
         */
        public Builder wakeups(boolean wakeups) {
            this.wakeups = wakeups;
            return this;
        }

        /**
         * Evicts a live subscriber that holds the publisher of a reliable ring back for longer than
         * {@code timeout} (a GC pause, a debugger, a stopped process): the publisher proceeds, the
         * records the subscriber held give their buffers back, and its next {@code poll} throws
         * {@link SubscriberEvictedException} saying how far behind it was; it may subscribe again.
         * Default: none, the ring stays strictly reliable. From 1 ms to 24 days.
         *
         * <p>Subscribers of such a ring read guarded, as in a lossy ring: an inline message is
         * copied and a referenced buffer attached (a reference of their own) before the handler
         * sees it, so that nothing they are delivering can change or be freed under them once
         * they are evicted. That costs a copy per inline message and an attach per reference.
         */
        public Builder subscriberTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new InvalidConfigException("subscriberTimeout must be from 1 ms to " + Integer.MAX_VALUE
                    + " ms, was " + timeout);
            }
            this.subscriberTimeout = timeout;
            return this;
        }

        public RingConfig build() {
            if (maxInlineLength > maxInlineLimit(capacity)) {
                throw new InvalidConfigException("maxInlineLength " + maxInlineLength + " exceeds capacity / 8 - 24 = "
                    + maxInlineLimit(capacity) + ": raise the capacity");
            }
            if (pool != null) {
                SharedFile.checkName(pool);
            }
            if (lossy && subscriberTimeout != null) {
                throw new InvalidConfigException("a subscriber timeout is for reliable rings: a lossy ring's publisher "
                    + "never waits for anyone");
            }
            return new RingConfig(this);
        }
    }
}
