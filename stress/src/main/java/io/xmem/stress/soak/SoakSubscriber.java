package io.xmem.stress.soak;

import io.xmem.launch.LineFields;
import io.xmem.launch.ParentWatch;
import io.xmem.ring.Message;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * One soak subscriber process: {@code SoakSubscriber PUBLISHERS RING...}. Subscribes to every
 * ring, says {@code ready}, and reads until told on stdin how many records each publisher
 * published ({@code expect 0=N0 1=N1 ...}) and it has them all, or 60 s after that. Every record
 * is judged alone ({@link SoakPayload}) and against the number due from its publisher: one
 * lower is a duplicate, one higher a loss of what lies between. Says
 * {@code done records=N bytes=B lost=L duplicated=D corrupt=C missing=M} and leaves.
 */
public final class SoakSubscriber {
    private static final long DRAIN_NANOS = 60_000_000_000L;

    private final long[] due;
    private long records;
    private long bytes;
    private long lost;
    private long duplicated;
    private long corrupt;
    /** Records each publisher published, once the parent has said; null until then. */
    private volatile long[] expected;

    private SoakSubscriber(int publishers) {
        due = new long[publishers];
    }

    public static void main(String[] args) throws InterruptedException {
        ParentWatch.start();
        SoakSubscriber subscriber = new SoakSubscriber(Integer.parseInt(args[0]));
        List<Ring> rings = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                Ring ring = Ring.open(args[i]);
                rings.add(ring);
                subscriptions.add(ring.subscription());
            }
            Thread stdin = new Thread(subscriber::readExpected, "stdin");
            stdin.setDaemon(true);
            stdin.start();
            System.out.println("ready");
            subscriber.read(subscriptions);
        } finally {
            subscriptions.forEach(Subscription::close); // the last to leave releases every pin
            rings.forEach(Ring::close);
        }
        System.out.println("done records=" + subscriber.records + " bytes=" + subscriber.bytes + " lost="
            + subscriber.lost + " duplicated=" + subscriber.duplicated + " corrupt=" + subscriber.corrupt
            + " missing=" + subscriber.missing());
    }

    private void read(List<Subscription> subscriptions) {
        long drainDeadline = 0;
        int idle = 0;
        while (true) {
            int polled = 0;
            for (Subscription s : subscriptions) {
                polled += s.poll(this::onMessage, 64);
            }
            if (polled > 0) {
                idle = 0;
                continue;
            }
            if (expected != null) {
                if (missing() == 0) {
                    return;
                }
                long now = System.nanoTime();
                if (drainDeadline == 0) {
                    drainDeadline = now + DRAIN_NANOS;
                } else if (now - drainDeadline > 0) {
                    return; // what is still missing is reported as missing
                }
            }
            // 16 processes on a few cores: back off, up to a millisecond, when there is nothing to read
            LockSupport.parkNanos(Math.min(1_000_000, 10_000L << Math.min(idle++, 7)));
        }
    }

    private void onMessage(Message message) {
        records++;
        bytes += message.length();
        if (!SoakPayload.check(message.segment())) {
            corrupt++;
            return;
        }
        int id = (int) SoakPayload.id(message.segment());
        long sequence = SoakPayload.sequence(message.segment());
        if (id < 0 || id >= due.length) {
            corrupt++;
        } else if (sequence < due[id]) {
            duplicated++;
        } else {
            lost += sequence - due[id];
            due[id] = sequence + 1;
        }
    }

    /** Records still due from the publishers (0 until the expectation is known). */
    private long missing() {
        long[] e = expected;
        long missing = 0;
        for (int i = 0; e != null && i < due.length; i++) {
            missing += Math.max(0, e[i] - due[i]);
        }
        return missing;
    }

    private void readExpected() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("expect ")) {
                    Map<String, String> fields = LineFields.of(line.substring("expect ".length()));
                    long[] e = new long[due.length];
                    for (int i = 0; i < e.length; i++) {
                        e[i] = LineFields.getLong(fields, Integer.toString(i), 0);
                    }
                    expected = e;
                }
            }
        } catch (IOException e) {
            System.err.println("stdin: " + e);
        }
    }
}
