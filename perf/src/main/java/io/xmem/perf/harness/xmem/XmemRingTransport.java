package io.xmem.perf.harness.xmem;

import io.xmem.perf.harness.MessageLayout;
import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * xmem: a reliable ring, exclusive publication. Messages up to {@value #INLINE_LIMIT} bytes go
 * inline: the publisher stamps its own message and {@code offer(MemorySegment)} copies it into
 * the ring, as the Agrona transport stamps its source buffer and copies it in. (An earlier version
 * used {@code tryClaim}/{@code claimed()}/{@code commit}; {@code claimed()} makes a slice per
 * message, which escape analysis must remove, and a quick run measured 15 B allocated per message
 * on that path.) Larger messages go by reference: the payload sits in a pool buffer the publisher
 * owns, only the 16-byte header is written per message, and a 64-byte record crosses the ring.
 *
 * <p>Inline sizes use a ring without a pool, as an application that sends only small messages
 * would: a ring with a pool walks every record a second time to find the buffer references whose
 * pins it must drop (once per eighth of the log in the subscriber, and when the publisher needs
 * room), which an inline-only stream does not need ({@code -Dxmem.perf.inlineWithPool=true} on the
 * harness JVM brings the pool back, to measure the difference). Referenced sizes get a pool of
 * max(8, min(1024, 256 MiB / size)) buffers (ten 24 MiB buffers).
 *
 * <p>The ring is what a user gets from {@link RingConfig}'s defaults, with the peers' 4 MiB of log:
 * wake-ups on (a subscriber sleeping in {@code Subscription.await} is woken by the next commit), 16
 * subscribers at most. {@link XmemNoWakeTransport} ({@code xmem-nowake}) is the same ring with
 * {@code wakeups(false)}, the tuning for subscribers that only spin or back off, as Agrona's and
 * Aeron's rings have no wake-up at all: the two rows show what waking costs.
 *
 * <p>Fairness: the copying peers copy from a source buffer the publisher filled once at start;
 * here the pool buffers are filled once at start in the same way (the payload is "rendered"
 * where it will be read), and each send writes only the header. Subscribers read the header
 * and the last 8 bytes in place ({@link Message#getLong}, allocation-free). Fan-out: every
 * subscription sees every record; a referenced buffer is pinned until all have passed.
 */
public class XmemRingTransport implements Transport {
    static final int INLINE_LIMIT = 1024;
    /** Harness JVM property: give inline sizes a pool too, to measure what the release walk costs. */
    public static final String INLINE_WITH_POOL = "xmem.perf.inlineWithPool";
    private static final int RING_CAPACITY = 1 << 22;

    private final String name;
    private final boolean wakeups;

    /** The ring with {@link RingConfig}'s defaults (and a 4 MiB log). */
    public XmemRingTransport() {
        this("xmem", true);
    }

    /** A named variant of the ring that differs only in {@code wakeups}. */
    protected XmemRingTransport(String name, boolean wakeups) {
        this.name = name;
        this.wakeups = wakeups;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public int maxMessageLength(RunSpec spec) {
        return 64 << 20;
    }

    /**
     * Buffers in the pool: as many messages in flight as the copying peers' buffers hold (Agrona's
     * 4 MiB ring holds about a thousand 4 KiB messages), within 256 MiB and at least 8.
     */
    private static int bufferCount(int length) {
        return (int) Math.max(8, Math.min(1024, (256L << 20) / length));
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) {
        String ring = "xmem-perf-" + spec.runId() + "-ring";
        int length = Math.max(spec.messageLength(), MessageLayout.MIN_LENGTH);
        RingConfig.Builder config = RingConfig.builder().capacity(RING_CAPACITY);
        if (!wakeups) {
            config.wakeups(false);
        }
        if (spec.subscribers() > RingConfig.builder().build().maxSubscribers()) {
            config.maxSubscribers(spec.subscribers());
        }
        Map<String, String> prepared = new HashMap<>();
        if (length > INLINE_LIMIT || Boolean.getBoolean(INLINE_WITH_POOL)) {
            String pool = "xmem-perf-" + spec.runId() + "-pool";
            try (BufferPool p = BufferPool.create(pool, PoolConfig.builder()
                     .sizeClass(length, bufferCount(length)).maxParticipants(16).build())) {
                // closed again: the children open it by name
            }
            prepared.put("pool", pool);
            config.pool(pool);
        }
        try (Ring r = Ring.create(ring, config.build())) {
            // closed again: the children open it by name
        }
        prepared.put("ring", ring);
        return prepared;
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) {
        if (prepared.get("ring") != null) {
            Ring.delete(prepared.get("ring"));
        }
        if (prepared.get("pool") != null) {
            BufferPool.delete(prepared.get("pool"));
        }
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) {
        return new XmemPublisher(Ring.open(prepared.get("ring")), spec);
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) {
        return new XmemSubscriber(Ring.open(prepared.get("ring")));
    }

    private static final class XmemPublisher implements Publisher {
        private final Ring ring;
        private final BufferPool pool;
        private final Publication publication;
        private final int subscribers;
        private final boolean inline;
        private final MemorySegment source;
        private final MemorySegment message;
        private boolean allJoined;

        XmemPublisher(Ring ring, RunSpec spec) {
            this.ring = ring;
            this.pool = ring.pool();
            this.publication = ring.publication();
            this.subscribers = spec.subscribers();
            int length = spec.messageLength();
            this.inline = length <= INLINE_LIMIT;
            this.source = Arena.ofAuto().allocate(Math.max(length, 8), 8);
            for (int i = 0; i < length; i++) {
                source.set(ValueLayout.JAVA_BYTE, i, MessageLayout.patternByte(i));
            }
            this.message = source.asSlice(0, length);
            if (!inline) { // fill every pool buffer once, as the peers fill their source buffer once
                List<Buffer> all = new ArrayList<>();
                Buffer b;
                while ((b = pool.tryAcquire(length)) != null) {
                    b.segment().copyFrom(source.asSlice(0, length));
                    all.add(b);
                }
                all.forEach(Buffer::close);
            }
        }

        @Override
        public boolean offer(long timestampNanos, long sequence, int length) {
            if (!allJoined) { // a late subscriber would start after the first records: wait for all
                if (ring.subscriberPositions().length < subscribers) {
                    return false;
                }
                allJoined = true;
            }
            if (inline) {
                // as the Agrona transport does: stamp the publisher's message, then one copy into the ring
                message.set(ValueLayout.JAVA_LONG_UNALIGNED, MessageLayout.TIMESTAMP_OFFSET, timestampNanos);
                message.set(ValueLayout.JAVA_LONG_UNALIGNED, MessageLayout.SEQUENCE_OFFSET, sequence);
                return publication.offer(message) > 0;
            }
            long token = pool.tryAcquireToken(length);
            if (token == BufferPool.NO_TOKEN) {
                return false; // every buffer is still pinned by records the subscribers have not passed
            }
            try {
                MemorySegment m = pool.segment(token);
                m.set(ValueLayout.JAVA_LONG_UNALIGNED, MessageLayout.TIMESTAMP_OFFSET, timestampNanos);
                m.set(ValueLayout.JAVA_LONG_UNALIGNED, MessageLayout.SEQUENCE_OFFSET, sequence);
                return publication.offer(token, 0, length, 0, sequence) > 0;
            } finally {
                pool.releaseToken(token); // the ring's pin keeps it from here
            }
        }

        @Override
        public void close() {
            publication.close();
            ring.close();
        }
    }

    private static final class XmemSubscriber implements Subscriber {
        private final Ring ring;
        private final Subscription subscription;
        private MessageHandler handler;
        // CHECKSTYLE:OFF: the ring's MessageHandler, spelled out: Transport.MessageHandler takes the simple name here
        private final io.xmem.ring.MessageHandler adapter = this::onMessage;
        // CHECKSTYLE:ON

        XmemSubscriber(Ring ring) {
            this.ring = ring;
            this.subscription = ring.subscription();
        }

        private void onMessage(Message m) {
            int length = (int) m.length();
            long timestamp = m.getLong(MessageLayout.TIMESTAMP_OFFSET);
            long sequence = m.getLong(MessageLayout.SEQUENCE_OFFSET);
            long touched = m.getLong(MessageLayout.touchOffset(length));
            if (touched == 42 && sequence == -42) {
                throw new IllegalStateException(); // keeps the read of the last bytes alive
            }
            handler.onMessage(timestamp, sequence, length);
        }

        @Override
        public int poll(MessageHandler handler, int limit) {
            this.handler = handler;
            return subscription.poll(adapter, limit);
        }

        @Override
        public void close() {
            subscription.close();
            ring.close();
        }
    }
}
