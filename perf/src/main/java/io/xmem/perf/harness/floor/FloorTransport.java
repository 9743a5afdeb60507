package io.xmem.perf.harness.floor;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The floor: a cache-line ping-pong between processes over a file in {@code /dev/shm}, mapped with
 * FFM and driven by {@code VarHandle} acquire/release on one long per direction
 * ({@link FloorDescriptor}). It carries only the 16-byte header (sequence and timestamp), never a
 * payload, whatever the configured size — so it is the lower bound of any shared-memory IPC's
 * notification, not a messaging system: no queue (one message in flight; {@code offer} is
 * back-pressured until every subscriber has acknowledged the previous one), no copy, and nothing
 * for the subscriber to touch but the header.
 *
 * <p>Fan-out: one acknowledgement line per subscriber; the publisher waits for all of them.
 * Nothing is allocated per message.
 */
public final class FloorTransport implements Transport {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    /** Any size: the floor announces the message and never moves its payload. */
    @Override
    public int maxMessageLength(RunSpec spec) {
        return Integer.MAX_VALUE;
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) throws IOException {
        Path file = Path.of("/dev/shm", "xmem-perf-" + spec.runId() + "-floor");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), FloorDescriptor.fileLength(spec.subscribers()) - 1);
        }
        return Map.of("file", file.toString());
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) throws IOException {
        Files.deleteIfExists(Path.of(prepared.get("file")));
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) throws IOException {
        return new FloorPublisher(map(spec, prepared), spec.subscribers());
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) throws IOException {
        return new FloorSubscriber(map(spec, prepared), subscriberIndex, spec.messageLength());
    }

    private static Mapping map(RunSpec spec, Map<String, String> prepared) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(Path.of(prepared.get("file")), StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            return new Mapping(arena, ch.map(FileChannel.MapMode.READ_WRITE, 0,
                FloorDescriptor.fileLength(spec.subscribers()), arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private record Mapping(Arena arena, MemorySegment segment) {
    }

    private static final class FloorPublisher implements Publisher {
        private final Mapping mapping;
        private final MemorySegment file;
        private final int subscribers;
        private long published; // sequence + 1 of the last message written; 0 before the first

        FloorPublisher(Mapping mapping, int subscribers) {
            this.mapping = mapping;
            this.file = mapping.segment();
            this.subscribers = subscribers;
        }

        @Override
        public boolean offer(long timestampNanos, long sequence, int length) {
            for (int i = 0; i < subscribers; i++) {
                // acquire: the subscriber's read of the previous timestamp happened before we overwrite it
                if ((long) LONG.getAcquire(file, FloorDescriptor.ackOffset(i)) != published) {
                    return false;
                }
            }
            LONG.set(file, FloorDescriptor.FORWARD_TIMESTAMP_OFFSET, timestampNanos);
            // release: publishes the timestamp written just above
            LONG.setRelease(file, FloorDescriptor.FORWARD_SEQUENCE_OFFSET, sequence + 1);
            published = sequence + 1;
            return true;
        }

        @Override
        public void close() {
            mapping.arena().close();
        }
    }

    private static final class FloorSubscriber implements Subscriber {
        private final Mapping mapping;
        private final MemorySegment file;
        private final long ackOffset;
        private final int announcedLength;
        private long seen;

        FloorSubscriber(Mapping mapping, int index, int announcedLength) {
            this.mapping = mapping;
            this.file = mapping.segment();
            this.ackOffset = FloorDescriptor.ackOffset(index);
            this.announcedLength = announcedLength;
        }

        @Override
        public int poll(MessageHandler handler, int limit) {
            // acquire: pairs with the publisher's release, so the timestamp below is this message's
            long next = (long) LONG.getAcquire(file, FloorDescriptor.FORWARD_SEQUENCE_OFFSET);
            if (next == seen || limit <= 0) {
                return 0;
            }
            long timestamp = (long) LONG.get(file, FloorDescriptor.FORWARD_TIMESTAMP_OFFSET);
            seen = next;
            handler.onMessage(timestamp, next - 1, announcedLength);
            // release: our read of the timestamp is done before the publisher may overwrite it
            LONG.setRelease(file, ackOffset, next);
            return 1;
        }

        @Override
        public void close() {
            mapping.arena().close();
        }
    }
}
