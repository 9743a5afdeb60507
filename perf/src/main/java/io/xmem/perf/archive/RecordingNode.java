package io.xmem.perf.archive;

import io.xmem.archive.ArchiveConfig;
import io.xmem.archive.Recorder;
import io.xmem.launch.ParentWatch;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * One process of {@link RecordingBench}, answering on stdout:
 * <pre>
 * subscriber RING DIR touch|copy reads every record in place (first and last 8 bytes), or copies it whole into its
 *                                own memory; READY; "UNTIL seq" → "DONE nanos"
 * recorder RING DIR ARCHIVE      records the ring, READY; "UNTIL seq" → "DONE nanos" once seq is in the archive
 * chronicle QUEUE SIZE WARM N    appends WARM then N messages of SIZE bytes; "RESULT startNanos endNanos"
 * </pre>
 * {@code DONE} carries {@code System.nanoTime()}, one clock for every process on Linux.
 */
public final class RecordingNode {
    private static volatile long lastSequence = -1;
    private static long touched;

    private RecordingNode() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.start(); // leaves with the benchmark that started it
        switch (args[0]) {
            case "subscriber" -> subscriber(args[1], Path.of(args[2]), args[3].equals("copy"));
            case "recorder" -> recorder(args[1], Path.of(args[2]), Path.of(args[3]));
            case "chronicle" -> chronicle(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                Long.parseLong(args[4]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void subscriber(String ringName, Path dir, boolean copy) throws Exception {
        MemorySegment own = Arena.ofAuto().allocate(copy ? 32L * 1024 * 1024 : 8, 64);
        MessageHandler handler = copy ? m -> copy(m, own) : RecordingNode::touch;
        try (Ring ring = Ring.open(ringName, dir); Subscription sub = ring.subscription()) {
            Thread reader = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (sub.poll(handler, 256) == 0) {
                        Thread.onSpinWait();
                    }
                }
            }, "reader");
            reader.setDaemon(true);
            reader.start();
            answer(() -> lastSequence);
            reader.interrupt();
        }
    }

    private static void touch(Message m) {
        touched += m.getLong(0) + m.getLong(m.length() - 8); // read in place, as a consumer would
        lastSequence = m.sequence();
    }

    /** A subscriber that keeps what it reads: the whole payload copied into its own memory. */
    private static void copy(Message m, MemorySegment own) {
        MemorySegment.copy(m.segment(), 0, own, 0, m.length());
        lastSequence = m.sequence();
    }

    private static void recorder(String ringName, Path dir, Path archive) throws Exception {
        ArchiveConfig config = ArchiveConfig.builder().directory(archive).build();
        try (Recorder recorder = Recorder.launch(config, ringName, dir)) {
            Thread loop = new Thread(recorder::run, "recorder");
            loop.start();
            answer(() -> recorder.isArchived() ? recorder.stats().lastSequence() : -1);
            recorder.stop();
            loop.join();
        }
    }

    /** READY, then for each "UNTIL seq": "DONE nanos" once {@code progress} reaches seq; ends with the input. */
    private static void answer(LongSupplier progress) throws Exception {
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            long until = Long.parseLong(line.substring("UNTIL ".length()));
            while (progress.getAsLong() < until) {
                Thread.onSpinWait();
            }
            System.out.println("DONE " + System.nanoTime());
        }
    }

    /**
     * Chronicle Queue as its users append: one appender, each message copied whole from the
     * producer's own native buffer into {@code writingDocument()}, as the harness's Chronicle peer does.
     */
    private static void chronicle(Path queueDir, int size, long warmup, long count) {
        System.setProperty("chronicle.analytics.disable", "true");
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(queueDir).build();
             ExcerptAppender appender = queue.createAppender()) {
            BytesStore<?, Void> source = BytesStore.nativeStoreWithFixedCapacity(size);
            for (int i = 0; i < size; i++) {
                source.writeByte(i, (byte) i);
            }
            for (long k = 0; k < warmup; k++) {
                append(appender, source, k, size);
            }
            long start = System.nanoTime();
            for (long k = 0; k < count; k++) {
                append(appender, source, k, size);
            }
            long end = System.nanoTime();
            System.out.println("RESULT " + start + " " + end);
            source.releaseLast();
        }
    }

    private static void append(ExcerptAppender appender, BytesStore<?, Void> source, long k, int size) {
        source.writeLong(0, k);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write((BytesStore<?, ?>) source, 0L, (long) size);
        }
    }
}
