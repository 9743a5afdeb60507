package io.xmem.bridge;

import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What an {@link Egress} or {@link Ingress} connects: a ring (by name, in a directory) and an
 * Aeron channel and stream, through an embedded media driver or an external one.
 *
 * <pre>{@code
 * BridgeConfig cfg = BridgeConfig.builder()
 *     .ring("md")
 *     .channel("aeron:udp?endpoint=10.0.0.2:40456|term-length=16m")
 *     .streamId(1001)
 *     .build();                     // .directory(Path), .aeronDirectory("/dev/shm/aeron-me"), .idle(...)
 * }</pre>
 *
 * Any Aeron channel URI works: UDP unicast ({@code endpoint=host:port}), multicast
 * ({@code endpoint=224.0.1.1:40456|interface=10.0.0.0/24}), MDC, with {@code term-length},
 * {@code mtu}, {@code rcv-wnd} and the rest. An external driver is used when
 * {@link Builder#aeronDirectory} or the {@code aeron.dir} system property names one.
 */
public final class BridgeConfig {
    public static final int DEFAULT_STREAM_ID = 1001;
    /**
     * The longest park of the default idle strategy. Agrona's default (1 ms) let a round trip through
     * two bridges settle at 4 to 6 ms: each of the chain's idle loops had parked up to a millisecond
     * by the time the message reached it, which made the next round trip slower still. 100 µs keeps a
     * quiet bridge under a few percent of a core.
     */
    public static final long DEFAULT_MAX_PARK_NANOS = 100_000;

    private final String ring;
    private final Path directory;
    private final String channel;
    private final int streamId;
    private final String aeronDirectory;
    private final Supplier<IdleStrategy> idle;

    private BridgeConfig(Builder b) {
        this.ring = b.ring;
        this.directory = b.directory;
        this.channel = b.channel;
        this.streamId = b.streamId;
        this.aeronDirectory = b.aeronDirectory;
        this.idle = b.idle;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String ring() {
        return ring;
    }

    public Path directory() {
        return directory;
    }

    public String channel() {
        return channel;
    }

    public int streamId() {
        return streamId;
    }

    /** The external media driver's directory, or null for an embedded driver (unless {@code aeron.dir} is set). */
    public String aeronDirectory() {
        return aeronDirectory;
    }

    /** Agrona's backoff (10 spins, 5 yields, then parks from 1 µs) parking at most {@link #DEFAULT_MAX_PARK_NANOS}. */
    public static IdleStrategy defaultIdle() {
        return new BackoffIdleStrategy(10, 5, 1_000, DEFAULT_MAX_PARK_NANOS);
    }

    /** A new idle strategy for one bridge's loop. */
    public IdleStrategy newIdleStrategy() {
        return idle.get();
    }

    public static final class Builder {
        private String ring;
        private Path directory = PoolConfig.DEFAULT_DIRECTORY;
        private String channel;
        private int streamId = DEFAULT_STREAM_ID;
        private String aeronDirectory;
        private Supplier<IdleStrategy> idle = BridgeConfig::defaultIdle;

        private Builder() {
        }

        /** The local ring: read by an egress, written by an ingress. */
        public Builder ring(String ring) {
            this.ring = Objects.requireNonNull(ring, "ring");
            return this;
        }

        /** Where the ring (and its pool) live; {@code /dev/shm} by default. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The Aeron channel URI, e.g. {@code aeron:udp?endpoint=host:40456}. */
        public Builder channel(String channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        public Builder streamId(int streamId) {
            this.streamId = streamId;
            return this;
        }

        /** Use the media driver already running in this directory instead of an embedded one. */
        public Builder aeronDirectory(String aeronDirectory) {
            this.aeronDirectory = aeronDirectory;
            return this;
        }

        /** How the bridge's loop waits when there is nothing to do; {@link #defaultIdle()} by default. */
        public Builder idle(Supplier<IdleStrategy> idle) {
            this.idle = Objects.requireNonNull(idle, "idle");
            return this;
        }

        public BridgeConfig build() {
            if (ring == null) {
                throw new InvalidConfigException("a bridge needs a ring: BridgeConfig.builder().ring(\"name\")");
            }
            if (channel == null || !channel.startsWith("aeron:")) {
                throw new InvalidConfigException("a bridge needs an Aeron channel URI such as "
                    + "aeron:udp?endpoint=host:40456, not " + channel);
            }
            return new BridgeConfig(this);
        }
    }
}
