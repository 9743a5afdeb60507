package io.xmem.perf.harness;

import io.xmem.launch.ParentWatch;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Main class of the harness's child JVMs: one publisher or one subscriber process of one
 * configuration (see {@link ConfigRunner} for the conversation with the parent).
 *
 * <p>Lines on stdout that start with {@value #PREFIX} are for the parent; anything else a
 * transport prints is passed through to the log. Stdin carries {@code GO} (publisher: start
 * sending) and {@code CLOSE} (everyone: results are in, close the transport and exit).
 *
 * <ul>
 *   <li>publisher: sends warm-up messages for the spec's warm-up time (and at least its warm-up
 *       count), then the measured ones, sequences 0, 1, ... with {@link MessageLayout#MEASURED} set
 *       from the first measured message on, so subscribers learn in band where warm-up ended;</li>
 *   <li>publisher, one-way: sends them at the
 *       spec's rate (0: as fast as it can; {@code burst} messages share one intended send time),
 *       stamping each with {@code nanoTime()} just before its first offer, or with its intended
 *       send time ({@code stamp=intended}: coordinated-omission correction — a stalled system is
 *       charged for every message it kept waiting);</li>
 *   <li>publisher, round trip: sends one message, waits for its echo, records now − timestamp;</li>
 *   <li>subscriber: records now − timestamp for every measured message, checks the sequence
 *       (gaps, duplicates), and in a round trip echoes each message back with its timestamp.</li>
 *   <li>throughput (an unpaced one-way stream): the publisher reads the clock only for the messages
 *       whose sequence is a multiple of a power of two (at most {@value #SAMPLE_EVERY}, chosen so that
 *       about a thousand measured messages are sampled), and the subscriber records only those;
 *       every other message is sent with a zero stamp and only counted and checked. A clock read and a
 *       histogram update cost more than a 32-byte message through a shared-memory ring, so recording
 *       every message measured the harness, not the transport.</li>
 * </ul>
 */
public final class Child {
    static final String PREFIX = "@xmem ";
    /** Latencies are recorded in nanoseconds up to one minute, 3 significant digits. */
    static final long HIGHEST_TRACKABLE_NANOS = 60_000_000_000L;
    /** Throughput runs stamp and record at most one message in this many (a power of two). */
    static final int SAMPLE_EVERY = 1024;

    private final RunSpec spec;
    private final IdleStrategy idle;
    private final PrintStream out;
    private final BufferedReader in;
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);

    private final MeasurementWindow window;
    /** Stamped and recorded: messages whose sequence has none of these bits (0: every message). */
    private final long sampleMask;

    private Child(RunSpec spec, Idle idle, MeasurementWindow window) {
        this.spec = spec;
        boolean stream = spec.mode() == RunSpec.Mode.ONE_WAY && spec.ratePerSecond() == 0;
        this.sampleMask = stream ? Long.highestOneBit(Math.clamp(spec.messages() / 1000, 1, SAMPLE_EVERY)) - 1 : 0;
        this.idle = idle.strategy();
        this.window = window;
        this.out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        this.in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    public static void main(String[] argv) throws Exception {
        ParentWatch.start(); // a child of a launcher: leaves when its parent is gone
        ChildArgs args = ChildArgs.parse(argv);
        RunSpec spec = args.spec();
        Child child = new Child(spec, Idle.parse(args.get("idle")),
            new MeasurementWindow(args.getOrNull("perfControl"), args.getOrNull("perfAck")));
        Transport transport = Transports.create(spec.transport());
        boolean roundTrip = spec.mode() == RunSpec.Mode.ROUND_TRIP;
        try {
            if (args.get("role").equals("publisher")) {
                child.publish(transport, args.prepared("prep"), roundTrip ? args.prepared("echo") : null,
                    args.get("stamp").equals("intended"));
            } else {
                child.subscribe(transport, args.prepared("prep"), roundTrip ? args.prepared("echo") : null,
                    Integer.parseInt(args.get("index")), Long.parseLong(args.get("stallMillis")));
            }
        } catch (Throwable t) {
            t.printStackTrace();
            child.out.println(PREFIX + "FAILED " + t.toString().replace('\n', ' '));
            System.exit(2);
        }
        System.exit(0);
    }

    /** Warm-up messages sent before the first measured one; decided by the publisher as it goes. */
    private long warmupSent = -1;

    private void publish(Transport transport, Map<String, String> prepared, Map<String, String> echoPrepared,
                         boolean stampIntended) throws Exception {
        try (Transport.Publisher publisher = transport.publisher(spec, prepared);
             Transport.Subscriber echo = echoPrepared == null ? null
                 : transport.subscriber(spec.echo(), echoPrepared, 0)) {
            out.println(PREFIX + "READY");
            await("GO");
            long start = System.nanoTime();
            long retries = echo == null ? stream(publisher, stampIntended) : pingPong(publisher, echo);
            long end = System.nanoTime();
            window.end();
            out.println(PREFIX + "RESULT received=" + (echo == null ? 0 : echoes.received) + " gaps="
                + (echo == null ? 0 : echoes.gaps) + " dups=" + (echo == null ? 0 : echoes.dups)
                + " retries=" + retries + " warmupSent=" + warmupSent + " startNs=" + start + " endNs=" + end
                + window.fields() + " hist=" + encode(histogram));
            await("CLOSE");
        }
    }

    /**
     * Whether message {@code seq} is measured: the first one sent after at least the spec's warm-up
     * count and warm-up time starts the measurement (and the window). {@code now} is a recent nanoTime.
     */
    private boolean measured(long seq, long start, long now) {
        if (warmupSent < 0) {
            if (seq < spec.warmupMessages() || now - start < spec.warmupNanos()) {
                return false;
            }
            warmupSent = seq;
            window.begin();
        }
        return true;
    }

    /** One-way stream; returns the back-pressure retries. */
    private long stream(Transport.Publisher publisher, boolean stampIntended) {
        int length = spec.messageLength();
        long rate = spec.ratePerSecond();
        int burst = Math.max(1, spec.burst());
        double burstIntervalNanos = rate > 0 ? 1e9 * burst / rate : 0;
        long retries = 0;
        long origin = System.nanoTime();
        long previousBurst = origin - (long) burstIntervalNanos;
        for (long seq = 0; ; seq++) {
            boolean measured = measured(seq, origin, warmupSent < 0 ? System.nanoTime() : 0);
            if (measured && seq - warmupSent == spec.messages()) {
                break;
            }
            long intended = 0;
            if (rate > 0) {
                if (stampIntended) {
                    // a fixed schedule: a publisher held up falls behind it and the stamps charge the wait
                    intended = origin + (long) ((seq / burst) * burstIntervalNanos);
                } else if (seq % burst == 0) {
                    // light load: never catch up in a rush after a stall, keep the gap after the last send
                    previousBurst = Math.max(origin + (long) ((seq / burst) * burstIntervalNanos),
                        previousBurst + (long) burstIntervalNanos);
                    intended = previousBurst;
                } else {
                    intended = previousBurst;
                }
                while (System.nanoTime() < intended) {
                    idle.idle(0);
                }
            }
            long timestamp = stampIntended ? intended : stamped(seq) ? System.nanoTime() : 0;
            long sequence = measured ? seq | MessageLayout.MEASURED : seq;
            idle.reset();
            while (!publisher.offer(timestamp, sequence, length)) {
                retries++;
                idle.idle(0);
            }
            idle.reset();
        }
        return retries;
    }

    /** Whether message {@code seq} carries a send time: every one, or a sample in throughput runs. */
    private boolean stamped(long seq) {
        return (seq & sampleMask) == 0;
    }

    private final Receiver echoes = new Receiver();

    private long pingPong(Transport.Publisher publisher, Transport.Subscriber echo) {
        int length = spec.messageLength();
        long retries = 0;
        long origin = System.nanoTime();
        for (long seq = 0; ; seq++) {
            long timestamp = System.nanoTime();
            boolean measured = measured(seq, origin, timestamp);
            if (measured && seq - warmupSent == spec.messages()) {
                break;
            }
            long expected = echoes.received + 1;
            while (!publisher.offer(timestamp, measured ? seq | MessageLayout.MEASURED : seq, length)) {
                retries++;
                idle.idle(0);
            }
            idle.reset();
            while (echoes.received < expected) {
                idle.idle(echo.poll(echoes, 1));
            }
            idle.reset();
        }
        return retries;
    }

    private void subscribe(Transport transport, Map<String, String> prepared, Map<String, String> echoPrepared,
                           int index, long stallMillis) throws Exception {
        try (Transport.Subscriber subscriber = transport.subscriber(spec, prepared, index);
             Transport.Publisher echo = echoPrepared == null ? null : transport.publisher(spec.echo(), echoPrepared)) {
            out.println(PREFIX + "READY");
            Receiver receiver = new Receiver();
            long stallNanos = stallMillis * 1_000_000L;
            long lastProgress = System.nanoTime();
            long progressCount = 0;
            long retries = 0;
            while (receiver.measuredCount < spec.messages()) {
                int n = subscriber.poll(receiver, echo == null ? 64 : 1);
                if (n > 0) {
                    if (echo != null) {
                        while (!echo.offer(receiver.lastTimestamp, receiver.lastRawSequence, receiver.lastLength)) {
                            retries++;
                            idle.idle(0);
                        }
                    }
                    idle.reset();
                } else {
                    // the stall clock is read only when a poll finds nothing, never per message
                    idle.idle(0);
                    long now = System.nanoTime();
                    if (receiver.received != progressCount) {
                        progressCount = receiver.received;
                        lastProgress = now;
                    } else if (now - lastProgress > stallNanos) {
                        break; // the parent sees received < total and reports the loss
                    }
                }
            }
            window.end();
            out.println(PREFIX + "RESULT received=" + receiver.received + " gaps=" + receiver.gaps + " dups="
                + receiver.dups + " retries=" + retries + " startNs=" + receiver.measureStartNs + " endNs="
                + receiver.lastNs + window.fields() + " hist=" + encode(histogram));
            await("CLOSE");
        }
    }

    /**
     * Counts and checks sequences, records latencies of measured messages (those with
     * {@link MessageLayout#MEASURED} in their sequence; in throughput runs only the stamped ones). Reads
     * the clock only for a message it records and for the first and last measured ones. One per process role.
     */
    private final class Receiver implements Transport.MessageHandler {
        long expected;
        long received;
        long measuredCount;
        long gaps;
        long dups;
        long measureStartNs;
        long lastNs;
        long lastTimestamp;
        long lastRawSequence;
        int lastLength;

        @Override
        public void onMessage(long timestampNanos, long rawSequence, int length) {
            long sequence = rawSequence & ~MessageLayout.MEASURED;
            if (sequence == expected) {
                expected++;
            } else if (sequence > expected) {
                gaps += sequence - expected;
                expected = sequence + 1;
            } else {
                dups++;
            }
            if ((rawSequence & MessageLayout.MEASURED) != 0) {
                boolean first = measuredCount++ == 0;
                boolean record = stamped(sequence);
                if (record || first || measuredCount == spec.messages()) {
                    long now = System.nanoTime();
                    if (first) {
                        // the rate counts messages − 1 intervals from this arrival to the last one
                        measureStartNs = now;
                        window.begin();
                    }
                    if (record) {
                        histogram.recordValue(Math.min(Math.max(0, now - timestampNanos), HIGHEST_TRACKABLE_NANOS));
                    }
                    lastNs = now;
                }
            }
            received++;
            lastTimestamp = timestampNanos;
            lastRawSequence = rawSequence;
            lastLength = length;
        }
    }

    private void await(String word) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals(word)) {
                return;
            }
        }
        throw new IOException("parent closed stdin before " + word);
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity() + 64);
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String base64) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }
}
