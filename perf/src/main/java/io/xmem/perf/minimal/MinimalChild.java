package io.xmem.perf.minimal;

import io.aeron.Aeron;
import io.xmem.launch.ParentWatch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One process of one pair of {@link MinimalBench}: {@code pub} or {@code sub}, for one system and one
 * test, arguments as {@code key=value}. Busy-spins everywhere.
 *
 * <ul>
 *   <li>{@code stream}: the publisher sends warm-up + measured 32-byte messages as fast as the ring
 *       takes them; the subscriber counts them, reading the clock only when the measured part starts
 *       and ends: messages/s.</li>
 *   <li>{@code rtt} (32 bytes) and {@code ref} (a pool buffer of {@code size} bytes by reference, xmem
 *       only): ping-pong, the next ping sent as soon as the previous pong is in, so every size runs
 *       at the same pace. The publisher records each round trip; the subscriber records each ping's
 *       one-way time (its arrival − the stamp taken before the send; one clock for both processes) and
 *       answers with a 32-byte pong.</li>
 * </ul>
 * Prints {@code READY} once its links are open and {@code RESULT k=v ...} at the end.
 */
public final class MinimalChild {
    /** A round trip longer than this counts as slow in the tail analysis. */
    static final long SLOW_NANOS = 10_000;
    private static final int STREAM_POLL_LIMIT = 256;

    private MinimalChild() {
    }

    public static void main(String[] argv) throws Exception {
        ParentWatch.start();
        Map<String, String> a = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        boolean publisher = a.get("role").equals("pub");
        String test = a.get("test");
        long warmup = Long.parseLong(a.get("warmup"));
        long messages = Long.parseLong(a.get("messages"));
        PrintStream out = System.out;
        Aeron aeron = a.get("system").equals("aeron-ipc")
            ? Aeron.connect(new Aeron.Context().aeronDirectoryName(a.get("dir"))) : null;
        int referenceSize = publisher && test.equals("ref") ? Integer.parseInt(a.get("size")) : 0;
        Link ping = open(a, aeron, "ping", publisher, referenceSize);
        Link pong = test.equals("stream") ? null : open(a, aeron, "pong", !publisher, 0);
        out.println("READY");
        out.flush();
        if (publisher) {
            awaitConnected(ping, pong);
        }
        SchedWindow window = new SchedWindow();
        String result;
        if (test.equals("stream")) {
            result = publisher ? streamPublisher(ping, warmup, messages, window)
                : streamSubscriber(ping, warmup, messages, window);
        } else {
            result = publisher ? pinger(ping, pong, warmup, messages, window)
                : ponger(ping, pong, warmup, messages, window);
        }
        out.println("RESULT " + result + window.fields() + " errors="
            + (ping.errors() + (pong == null ? 0 : pong.errors())));
        out.flush();
        ping.close();
        if (pong != null) {
            pong.close();
        }
        if (aeron != null) {
            aeron.close();
        }
    }

    private static Link open(Map<String, String> a, Aeron aeron, String which, boolean publisher, int referenceSize)
        throws Exception {
        return switch (a.get("system")) {
            case "xmem", "xmem-nowake", "xmem-huge" -> publisher
                ? XmemLink.publisher(a.get(which), Path.of(a.get("ringdir")), referenceSize)
                : XmemLink.subscriber(a.get(which), Path.of(a.get("ringdir")));
            case "agrona-ring" -> new AgronaLink(Path.of(a.get(which)));
            case "aeron-ipc" -> new AeronLink(aeron, "aeron:ipc", Integer.parseInt(a.get(which)), publisher);
            default -> throw new IllegalArgumentException("unknown system " + a.get("system"));
        };
    }

    /** Aeron: both links connected (the subscriber's pong publication to this process's subscription). */
    private static void awaitConnected(Link ping, Link pong) throws InterruptedException {
        for (Link link : new Link[] {ping, pong}) {
            if (link instanceof AeronLink aeron) {
                while (!aeron.isConnected()) {
                    Thread.sleep(1);
                }
            }
        }
    }

    private static String streamPublisher(Link ring, long warmup, long messages, SchedWindow window) {
        long retries = 0;
        for (long seq = 0; seq < warmup + messages; seq++) {
            if (seq == warmup) {
                window.begin();
            }
            while (!ring.send(0, seq)) {
                retries++;
            }
        }
        window.end();
        return "retries=" + retries;
    }

    private static String streamSubscriber(Link ring, long warmup, long messages, SchedWindow window) {
        long total = warmup + messages;
        long count = 0;
        long startCount = -1;
        long start = 0;
        while (count < total) {
            count += ring.poll(STREAM_POLL_LIMIT);
            if (startCount < 0 && count > warmup) {
                start = System.nanoTime();
                startCount = count;
                window.begin();
            }
        }
        long end = System.nanoTime();
        window.end();
        return "rate=" + (long) ((count - startCount) / ((end - start) / 1e9));
    }

    private static String pinger(Link ping, Link pong, long warmup, long messages, SchedWindow window) {
        long[] rtt = new long[(int) messages];
        for (long seq = 0; seq < warmup + messages; seq++) {
            if (seq == warmup) {
                window.begin();
            }
            long t0 = System.nanoTime();
            while (!ping.send(t0, seq)) {
                Thread.onSpinWait();
            }
            while (pong.poll(1) == 0) {
                Thread.onSpinWait();
            }
            long t1 = System.nanoTime();
            if (seq >= warmup) {
                rtt[(int) (seq - warmup)] = t1 - t0;
            }
        }
        window.end();
        return percentiles("rtt", rtt);
    }

    private static String ponger(Link ping, Link pong, long warmup, long messages, SchedWindow window) {
        long[] oneWay = new long[(int) messages];
        for (long n = 0; n < warmup + messages; n++) {
            while (ping.poll(1) == 0) {
                Thread.onSpinWait();
            }
            long now = System.nanoTime();
            long seq = ping.lastSequence();
            while (!pong.send(0, seq)) {
                Thread.onSpinWait();
            }
            if (seq == warmup) {
                window.begin();
            }
            if (seq >= warmup) {
                oneWay[(int) (seq - warmup)] = now - ping.lastStamp();
            }
        }
        window.end();
        return percentiles("oneway", oneWay);
    }

    /** {@code <name>P50=.. <name>P99=.. <name>P999=.. <name>Max=.. <name>Slow=.. <name>SlowNs=..}, in ns. */
    private static String percentiles(String name, long[] values) {
        long slow = 0;
        long slowNanos = 0;
        for (long v : values) {
            if (v > SLOW_NANOS) {
                slow++;
                slowNanos += v;
            }
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return name + "P50=" + at(sorted, 0.50) + " " + name + "P99=" + at(sorted, 0.99) + " " + name + "P999="
            + at(sorted, 0.999) + " " + name + "Max=" + sorted[sorted.length - 1] + " " + name + "Slow=" + slow + " "
            + name + "SlowNs=" + slowNanos;
    }

    private static long at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
