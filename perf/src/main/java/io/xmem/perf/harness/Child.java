package io.xmem.perf.harness;

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
 *   <li>publisher, one-way: sends warm-up + measured messages with sequence 0, 1, ... at the
 *       spec's rate (0: as fast as it can; {@code burst} messages share one intended send time),
 *       stamping each with {@code nanoTime()} just before its first offer, or with its intended
 *       send time ({@code stamp=intended}: coordinated-omission correction — a stalled system is
 *       charged for every message it kept waiting);</li>
 *   <li>publisher, round trip: sends one message, waits for its echo, records now − timestamp;</li>
 *   <li>subscriber: records now − timestamp for every measured message, checks the sequence
 *       (gaps, duplicates), and in a round trip echoes each message back with its timestamp.</li>
 * </ul>
 */
public final class Child {
    static final String PREFIX = "@xmem ";
    /** Latencies are recorded in nanoseconds up to one minute, 3 significant digits. */
    static final long HIGHEST_TRACKABLE_NANOS = 60_000_000_000L;

    private final RunSpec spec;
    private final IdleStrategy idle;
    private final PrintStream out;
    private final BufferedReader in;
    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);

    private Child(RunSpec spec, Idle idle) {
        this.spec = spec;
        this.idle = idle.strategy();
        this.out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        this.in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    public static void main(String[] argv) throws Exception {
        ChildArgs args = ChildArgs.parse(argv);
        RunSpec spec = args.spec();
        Child child = new Child(spec, Idle.parse(args.get("idle")));
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

    private void publish(Transport transport, Map<String, String> prepared, Map<String, String> echoPrepared,
                         boolean stampIntended) throws Exception {
        try (Transport.Publisher publisher = transport.publisher(spec, prepared);
             Transport.Subscriber echo = echoPrepared == null ? null
                 : transport.subscriber(spec.echo(), echoPrepared, 0)) {
            out.println(PREFIX + "READY");
            await("GO");
            long total = spec.warmupMessages() + spec.messages();
            long start = System.nanoTime();
            long retries = echo == null ? stream(publisher, total, stampIntended) : pingPong(publisher, echo, total);
            long end = System.nanoTime();
            out.println(PREFIX + "RESULT received=" + (echo == null ? 0 : echoes.received) + " gaps="
                + (echo == null ? 0 : echoes.gaps) + " dups=" + (echo == null ? 0 : echoes.dups)
                + " retries=" + retries + " startNs=" + start + " endNs=" + end + " hist=" + encode(histogram));
            await("CLOSE");
        }
    }

    /** One-way stream; returns the back-pressure retries. */
    private long stream(Transport.Publisher publisher, long total, boolean stampIntended) {
        int length = spec.messageLength();
        long rate = spec.ratePerSecond();
        int burst = Math.max(1, spec.burst());
        double burstIntervalNanos = rate > 0 ? 1e9 * burst / rate : 0;
        long retries = 0;
        long origin = System.nanoTime();
        long previousBurst = origin - (long) burstIntervalNanos;
        for (long seq = 0; seq < total; seq++) {
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
            long timestamp = stampIntended ? intended : System.nanoTime();
            idle.reset();
            while (!publisher.offer(timestamp, seq, length)) {
                retries++;
                idle.idle(0);
            }
            idle.reset();
        }
        return retries;
    }

    private final Receiver echoes = new Receiver();

    private long pingPong(Transport.Publisher publisher, Transport.Subscriber echo, long total) {
        int length = spec.messageLength();
        long retries = 0;
        for (long seq = 0; seq < total; seq++) {
            echoes.recordFrom = spec.warmupMessages();
            long expected = echoes.received + 1;
            long timestamp = System.nanoTime();
            while (!publisher.offer(timestamp, seq, length)) {
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
            receiver.recordFrom = spec.warmupMessages();
            long total = spec.warmupMessages() + spec.messages();
            long stallNanos = stallMillis * 1_000_000L;
            long lastProgress = System.nanoTime();
            long retries = 0;
            while (receiver.received < total) {
                int n = subscriber.poll(receiver, echo == null ? 64 : 1);
                if (n > 0) {
                    lastProgress = receiver.lastNs;
                    if (echo != null) {
                        while (!echo.offer(receiver.lastTimestamp, receiver.lastSequence, receiver.lastLength)) {
                            retries++;
                            idle.idle(0);
                        }
                    }
                    idle.reset();
                } else {
                    idle.idle(0);
                    if (System.nanoTime() - lastProgress > stallNanos) {
                        break; // the parent sees received < total and reports the loss
                    }
                }
            }
            out.println(PREFIX + "RESULT received=" + receiver.received + " gaps=" + receiver.gaps + " dups="
                + receiver.dups + " retries=" + retries + " startNs=" + receiver.measureStartNs + " endNs="
                + receiver.lastNs + " hist=" + encode(histogram));
            await("CLOSE");
        }
    }

    /** Counts and checks sequences, records latencies of measured messages. One per process role. */
    private final class Receiver implements Transport.MessageHandler {
        long recordFrom;
        long expected;
        long received;
        long gaps;
        long dups;
        long measureStartNs;
        long lastNs;
        long lastTimestamp;
        long lastSequence;
        int lastLength;

        @Override
        public void onMessage(long timestampNanos, long sequence, int length) {
            long now = System.nanoTime();
            if (sequence == expected) {
                expected++;
            } else if (sequence > expected) {
                gaps += sequence - expected;
                expected = sequence + 1;
            } else {
                dups++;
            }
            received++;
            if (sequence >= recordFrom) {
                histogram.recordValue(Math.min(Math.max(0, now - timestampNanos), HIGHEST_TRACKABLE_NANOS));
            }
            if (sequence == recordFrom - 1 || (recordFrom == 0 && received == 1)) {
                measureStartNs = now; // throughput counts from the last warm-up message's arrival
            }
            lastNs = now;
            lastTimestamp = timestampNanos;
            lastSequence = sequence;
            lastLength = length;
        }
    }

    private void await(String word) throws java.io.IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals(word)) {
                return;
            }
        }
        throw new java.io.IOException("parent closed stdin before " + word);
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity() + 64);
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String base64) throws java.util.zip.DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    }
}
