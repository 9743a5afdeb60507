package io.xmem.perf.harness.peers.aeron;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.xmem.perf.harness.HelperJvm;
import io.xmem.perf.harness.Idle;
import io.xmem.perf.harness.MessageLayout;
import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Aeron IPC ({@code aeron:ipc}) with a Java media driver: what a user of Aeron picks today to pass
 * messages between two JVMs on one machine.
 *
 * <p><b>The driver.</b> {@link #prepare} starts a Java {@link MediaDriver} in a JVM of its own
 * ({@link AeronDriverProcess}, with the children's common flags), in the directory
 * {@code /dev/shm/xmem-perf-<runId>-aeron}, and waits until it is up; {@link #cleanUp} stops it
 * and deletes the directory. A driver of its own lives exactly as long as the run, whichever child
 * starts or exits first, and the harness process needs no Agrona flags. The driver runs
 * {@link ThreadingMode#SHARED} (one agent thread): on IPC the sender and receiver have nothing to
 * do, and the conductor is not on the data path — a subscriber reads the publication's log buffer
 * directly — it only moves the publisher's flow-control limit, half a term ahead of the slowest
 * subscriber. Its idle strategy is therefore Agrona's backoff by default, leaving the two cores of
 * a small machine to the publisher and subscribers that busy-spin;
 * {@code -Dxmem.perf.aeron.driverIdle=spin} (set on the harness JVM) makes it busy-spin too.
 * Term buffers are not sparse files: their tmpfs pages are allocated and zeroed when the
 * publication is added, not while messages flow.
 *
 * <p><b>The channel.</b> {@code aeron:ipc?term-length=T|mtu=M}: {@code T} = max(64 MiB, the next
 * power of two ≥ 8 × the message length), because Aeron caps a message at min(T / 8, 16 MiB); the
 * largest message is therefore 16 MiB and the harness skips larger sizes (24 MiB). {@code M} =
 * 65504, the largest Aeron allows, so a message up to 65472 bytes is one fragment and goes through
 * {@code tryClaim} (the default MTU of 1408 would fragment everything above 1376 bytes);
 * {@code -Dxmem.perf.aeron.mtu=1408} on the harness JVM measures Aeron's default instead.
 *
 * <p><b>Fairness.</b> The publisher builds each message in its own direct buffer and copies all of
 * it into the log buffer: with {@link ExclusivePublication#tryClaim} when it fits one fragment,
 * else with {@link ExclusivePublication#offer}, which fragments it. A subscriber whose messages fit
 * one fragment polls with its handler directly, as an Aeron user with small messages does; one whose
 * messages fragment polls through a {@link FragmentAssembler} (as an Aeron user must), and sees them
 * in the assembler's buffer, after Aeron's own copy. The subscriber reads the header and the last 8
 * bytes. Fan-out: every subscription on the stream sees every message, from one copy in the log
 * buffer; the publisher is held back by the slowest (tethered) subscriber. Nothing is allocated per
 * message.
 *
 * <p><b>Joining.</b> An IPC subscription that joins after messages were published starts at the
 * current position and never sees them, so the publisher's {@code offer} returns false (as if
 * back-pressured) until the spec's number of subscribers have joined its stream, counted from the
 * driver's subscriber-position counters.
 */
public final class AeronIpcTransport implements Transport {
    /** Largest MTU Aeron accepts (a multiple of the 32-byte frame alignment). */
    static final int MAX_MTU = 65504;
    /** Aeron's default IPC term length; larger only when a message needs it. */
    static final int MIN_TERM_LENGTH = 64 * 1024 * 1024;
    /** Aeron's own cap on one message, whatever the term length. */
    static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
    static final int STREAM_ID = 1001;

    private static final String DIR_KEY = "dir";
    private static final String CHANNEL_KEY = "channel";
    private static final String MTU_KEY = "mtu";
    private static final String DRIVER_PID_KEY = "driverPid";
    private static final long DRIVER_START_TIMEOUT_MS = 20_000;
    private static final long DRIVER_STOP_TIMEOUT_MS = 10_000;
    private static final long CONNECT_TIMEOUT_MS = 10_000;

    @Override
    public String name() {
        return "aeron-ipc";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public int maxMessageLength(RunSpec spec) {
        return MAX_MESSAGE_LENGTH;
    }

    /** The term length for messages of {@code length} bytes (see the class comment). */
    static int termLengthFor(int length) {
        long term = BitUtil.findNextPositivePowerOfTwo(8L * length);
        return (int) Math.min(LogBufferDescriptor.TERM_MAX_LENGTH, Math.max(MIN_TERM_LENGTH, term));
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) throws IOException {
        if (spec.messageLength() > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("Aeron carries at most " + MAX_MESSAGE_LENGTH
                + " bytes in one message, not " + spec.messageLength());
        }
        int mtu = Integer.getInteger("xmem.perf.aeron.mtu", MAX_MTU);
        String channel = "aeron:ipc?term-length=" + termLengthFor(spec.messageLength()) + "|mtu=" + mtu;
        String driverIdle = Idle.parse(System.getProperty("xmem.perf.aeron.driverIdle", "backoff")).name();
        String dir = Path.of("/dev/shm", "xmem-perf-" + spec.runId() + "-aeron").toString();
        Files.createDirectories(spec.workDir());
        Path log = spec.workDir().resolve(spec.runId() + "-aeron-driver.log");
        long driver;
        try {
            driver = HelperJvm.start("Aeron media driver", AeronDriverProcess.class, List.of(dir, driverIdle), log,
                AeronDriverProcess.READY, Duration.ofMillis(DRIVER_START_TIMEOUT_MS));
        } catch (IllegalStateException e) {
            IoUtil.delete(new File(dir), true); // what it made before it failed
            throw e;
        }
        return Map.of(DIR_KEY, dir, CHANNEL_KEY, channel, MTU_KEY, Integer.toString(mtu), DRIVER_PID_KEY,
            Long.toString(driver));
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) throws InterruptedException {
        // SIGTERM: the driver closes and deletes its directory
        HelperJvm.stop(prepared.get(DRIVER_PID_KEY), Duration.ofMillis(DRIVER_STOP_TIMEOUT_MS));
        String dir = prepared.get(DIR_KEY);
        if (dir != null) {
            IoUtil.delete(new File(dir), false); // whatever a driver that was killed left
        }
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) {
        Aeron aeron = connect(prepared);
        try {
            ExclusivePublication publication = aeron.addExclusivePublication(prepared.get(CHANNEL_KEY), STREAM_ID);
            return new IpcPublisher(aeron, publication, spec.messageLength(), spec.subscribers());
        } catch (RuntimeException e) {
            aeron.close();
            throw e;
        }
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) {
        Aeron aeron = connect(prepared);
        try {
            Subscription subscription = aeron.addSubscription(prepared.get(CHANNEL_KEY), STREAM_ID);
            int mtu = Integer.parseInt(prepared.get(MTU_KEY));
            return new IpcSubscriber(aeron, subscription, spec.messageLength(),
                spec.messageLength() > mtu - DataHeaderFlyweight.HEADER_LENGTH);
        } catch (RuntimeException e) {
            aeron.close();
            throw e;
        }
    }

    private static Aeron connect(Map<String, String> prepared) {
        String dir = prepared.get(DIR_KEY);
        if (!CommonContext.isDriverActive(new File(dir), CONNECT_TIMEOUT_MS, s -> { })) {
            throw new IllegalStateException("no active Aeron media driver in " + dir
                + " (AeronIpcTransport.prepare starts one per run)");
        }
        return Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
    }

    private static final class IpcPublisher implements Publisher {
        private final Aeron aeron;
        private final ExclusivePublication publication;
        private final SubscriberCount joined;
        private final int subscribers;
        private final int maxPayloadLength;
        private final UnsafeBuffer source;
        private final BufferClaim claim = new BufferClaim();
        private boolean allJoined;

        IpcPublisher(Aeron aeron, ExclusivePublication publication, int maxLength, int subscribers) {
            this.aeron = aeron;
            this.publication = publication;
            this.joined = new SubscriberCount(aeron.countersReader(), publication.sessionId(), publication.streamId());
            this.subscribers = subscribers;
            this.maxPayloadLength = publication.maxPayloadLength();
            this.source = new UnsafeBuffer(ByteBuffer.allocateDirect(maxLength));
            for (int i = 0; i < maxLength; i++) {
                source.putByte(i, MessageLayout.patternByte(i));
            }
        }

        @Override
        public boolean offer(long timestampNanos, long sequence, int length) {
            if (!allJoined && !(allJoined = joined.count() >= subscribers)) {
                return false; // a subscriber joining later would miss what is sent now
            }
            source.putLong(MessageLayout.TIMESTAMP_OFFSET, timestampNanos, ByteOrder.LITTLE_ENDIAN);
            source.putLong(MessageLayout.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
            if (length <= maxPayloadLength) {
                long result = publication.tryClaim(length, claim);
                if (result < 0) {
                    return retryable(result);
                }
                claim.buffer().putBytes(claim.offset(), source, 0, length);
                claim.commit();
                return true;
            }
            long result = publication.offer(source, 0, length);
            return result >= 0 || retryable(result);
        }

        /** False for the transient results the caller retries; an exception for the final ones. */
        private boolean retryable(long result) {
            if (result == ExclusivePublication.CLOSED || result == ExclusivePublication.MAX_POSITION_EXCEEDED) {
                throw new IllegalStateException("Aeron publication cannot take more messages: "
                    + (result == ExclusivePublication.CLOSED ? "closed" : "max position exceeded"));
            }
            return false; // BACK_PRESSURED, NOT_CONNECTED, ADMIN_ACTION
        }

        @Override
        public void close() {
            // The driver keeps the closed publication's log buffer until every subscriber has drained it.
            publication.close();
            aeron.close();
        }
    }

    private static final class IpcSubscriber implements Subscriber, FragmentHandler {
        private final Aeron aeron;
        private final Subscription subscription;
        private final FragmentHandler handlerOrAssembler;
        private Transport.MessageHandler handler;
        private int delivered;
        private long touched; // a field store, so the JIT cannot drop the read of the last 8 bytes

        IpcSubscriber(Aeron aeron, Subscription subscription, int maxLength, boolean fragmented) {
            this.aeron = aeron;
            this.subscription = subscription;
            // sized for the whole message up front: reassembly never grows (allocates) in steady state
            this.handlerOrAssembler = fragmented
                ? new FragmentAssembler(this, maxLength + FrameDescriptor.FRAME_ALIGNMENT, true) : this;
        }

        @Override
        public int poll(Transport.MessageHandler handler, int limit) {
            this.handler = handler;
            delivered = 0;
            subscription.poll(handlerOrAssembler, limit); // counts fragments; a message may span several
            return delivered;
        }

        @Override
        public void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
            long timestamp = buffer.getLong(offset + MessageLayout.TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN);
            long sequence = buffer.getLong(offset + MessageLayout.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
            touched += buffer.getLong(offset + MessageLayout.touchOffset(length), ByteOrder.LITTLE_ENDIAN);
            delivered++;
            handler.onMessage(timestamp, sequence, length);
        }

        @Override
        public void close() {
            subscription.close();
            aeron.close();
        }
    }
}
