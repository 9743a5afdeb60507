package io.xmem.perf.harness.peers;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import org.agrona.IoUtil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Moves messages through a peer transport inside one JVM — a publisher thread and one thread per
 * subscriber — and checks what a harness run relies on: every subscriber sees every sequence once,
 * in order, at the length sent, with the sender's timestamp; and {@code cleanUp} leaves nothing of
 * what {@code prepare} made under {@code /dev/shm}. Threads stand in for the harness's processes.
 */
public final class PeerExchange {
    private PeerExchange() {
    }

    /**
     * A spec for an in-process exchange: one-way, no warm-up, as fast as possible, a fresh run id, a
     * work directory (for logs) of its own, which {@link #exchange} deletes.
     */
    public static RunSpec spec(Transport transport, int length, int subscribers, long messages) {
        String runId = "test-" + UUID.randomUUID().toString().substring(0, 8);
        return new RunSpec(transport.name(), RunSpec.Mode.ONE_WAY, length, subscribers, messages, 0, 0, 0, 1,
            Path.of(System.getProperty("java.io.tmpdir"), "xmem-peer-" + runId), runId);
    }

    /** Runs {@code spec} through {@code transport}; returns the seconds from first offer to last delivery. */
    public static double exchange(Transport transport, RunSpec spec, long timeoutSeconds) throws Exception {
        Map<String, String> prepared = transport.prepare(spec);
        ExecutorService threads = Executors.newFixedThreadPool(spec.subscribers() + 1);
        try {
            // subscribers first, as the harness starts them before the publisher
            List<Transport.Subscriber> subscribers = new ArrayList<>();
            for (int i = 0; i < spec.subscribers(); i++) {
                subscribers.add(transport.subscriber(spec, prepared, i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            List<Future<Long>> received = new ArrayList<>();
            for (Transport.Subscriber s : subscribers) {
                received.add(threads.submit(() -> receive(s, spec, deadline)));
            }
            long start = System.nanoTime();
            Future<?> sent = threads.submit(() -> {
                try (Transport.Publisher publisher = transport.publisher(spec, prepared)) {
                    for (long seq = 0; seq < spec.messages(); seq++) {
                        while (!publisher.offer(System.nanoTime(), seq, spec.messageLength())) {
                            if (System.nanoTime() - deadline > 0) {
                                throw new AssertionError("publisher still back-pressured at sequence " + seq);
                            }
                            Thread.onSpinWait();
                        }
                    }
                }
                return null;
            });
            long end = 0;
            for (Future<Long> r : received) {
                end = Math.max(end, r.get(timeoutSeconds + 5, TimeUnit.SECONDS));
            }
            sent.get(timeoutSeconds + 5, TimeUnit.SECONDS);
            for (Transport.Subscriber s : subscribers) {
                s.close();
            }
            return (end - start) / 1e9;
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "exchange threads did not stop");
            transport.cleanUp(spec, prepared);
            IoUtil.delete(spec.workDir().toFile(), false);
            for (String value : prepared.values()) {
                if (value.startsWith("/dev/shm/")) {
                    assertFalse(Files.exists(Path.of(value)), value + " left behind by cleanUp");
                }
            }
        }
    }

    private static long receive(Transport.Subscriber subscriber, RunSpec spec, long deadline) {
        long[] next = {0};
        String[] failure = {null}; // recorded, not thrown: an exception must not unwind through the transport's poll
        Transport.MessageHandler check = (timestamp, sequence, length) -> {
            if (failure[0] == null) {
                if (sequence != next[0]) {
                    failure[0] = "expected sequence " + next[0] + ", got " + sequence;
                } else if (length != spec.messageLength()) {
                    failure[0] = "sequence " + sequence + " has length " + length;
                } else if (timestamp <= 0 || timestamp > System.nanoTime()) {
                    failure[0] = "sequence " + sequence + " has timestamp " + timestamp;
                }
            }
            next[0]++;
        };
        while (next[0] < spec.messages()) {
            int n = subscriber.poll(check, 64);
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            if (n == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("subscriber stuck after " + next[0] + " of " + spec.messages());
                }
                Thread.onSpinWait();
            }
        }
        return System.nanoTime();
    }
}
