package io.xmem.perf.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * Which configurations a run measures, how long each warms up and how many messages it measures.
 *
 * <p>Warm-up is a time (plus an optional minimum count): the publisher sends unrecorded messages
 * until it has done so for that long, so a 24 MiB configuration gets as much JIT time, and xmem as
 * many laps over its pool, as a 32-byte one. Measured counts follow from a target duration and the
 * pace: one-way latency runs send at one pace for every size ({@code --pace}, default
 * {@value #DEFAULT_PACE} msg/s), so a 24 MiB message is measured after the same idle gap as a 32-byte one
 * (a pace derived from the size put seconds-long gaps before large messages, and idle gaps alone raise a
 * 32-byte p50 several-fold here); a system that cannot keep the pace at a size sends back to back and its
 * latency is its own per-message cost. The measured count follows the pace, capped by an estimate of what
 * a copying system moves in the target time. Rate runs at min(--rate, 0.5 GB/s of payload); unpaced modes
 * use an estimate of their speed.
 *
 * <p>The full set: one-way at every size with fan-out 1, 2 and 4; round trip, throughput and rate
 * (bursts 1 and 16) at every size with one subscriber — the fan-out question is a latency question,
 * and this keeps a full run near 40 minutes on 2 cores.
 */
public record Plan(List<Workload> workloads, List<String> systems, List<Integer> sizes, List<Integer> subscribers,
                   List<Integer> bursts, long rate, long pace, boolean quick, long messagesOverride,
                   long warmupOverride,
                   double warmupSecondsOverride, boolean fanOutEverywhere) {

    public static final List<Integer> ALL_SIZES = List.of(32, 256, 4096, 64 * 1024, 1024 * 1024,
        8 * 1024 * 1024, 24 * 1024 * 1024);
    public static final List<Integer> QUICK_SIZES = List.of(32, 4096, 1024 * 1024);
    /** One-way messages per second, the same at every size (--pace). */
    public static final long DEFAULT_PACE = 10_000;

    public List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (Workload w : workloads) {
            for (int size : sizes) {
                for (int subs : fanOuts(w)) {
                    for (int burst : w == Workload.RATE ? bursts : List.of(1)) {
                        for (String system : systems) {
                            out.add(config(w, system, size, subs, burst));
                        }
                    }
                }
            }
        }
        return out;
    }

    private List<Integer> fanOuts(Workload w) {
        if (w == Workload.ROUND_TRIP) {
            return List.of(1);
        }
        return fanOutEverywhere || w == Workload.ONE_WAY ? subscribers : List.of(subscribers.getFirst());
    }

    /**
     * The default warm-up of a workload, in seconds (--warmup-time replaces it). Paced modes send
     * few messages per second at large sizes, and unpaced ones spend their first fraction of a
     * second in code that is not compiled yet: on a loaded 2-core machine xmem's publisher sent
     * only 3,800 messages of 4 KiB in a 0.5 s warm-up and still allocated per message (C1 code)
     * when the measurement began; 1 s is the least that gave compiled code in every mode.
     */
    static double warmupSeconds(Workload w, boolean quick) {
        return quick ? 1.0 : 2.0;
    }

    private Config config(Workload w, String system, int size, int subs, int burst) {
        double measureSeconds = quick ? 0.5 : 3;
        long pace;
        long maxMessages;
        switch (w) {
            case ONE_WAY -> {
                pace = this.pace;
                // copying systems cannot keep the pace at large sizes: about what they move in the target
                // time, but enough messages for a p99 (a few seconds of copying at 24 MiB)
                maxMessages = Math.min(quick ? 25_000 : 150_000,
                    Math.max(quick ? 500 : 1_000, (long) (measureSeconds * 2e9 / size)));
            }
            case RATE -> {
                pace = Math.max(1, Math.min(rate, (long) (5e8 / size)));
                maxMessages = quick ? 25_000 : 150_000;
            }
            case ROUND_TRIP -> {
                pace = Math.max(1, Math.min(50_000, (long) (1e9 / size))); // an estimate: ping-pong is unpaced
                maxMessages = quick ? 20_000 : 150_000;
            }
            default -> {
                // an estimate: the stream is unpaced. Rings stream 32 B at 10-30 M msgs/s here; a window of a
                // few hundred thousand messages is a few CFS slices long and measures the scheduler
                pace = Math.max(1, Math.min(20_000_000, (long) (4e9 / size)));
                maxMessages = quick ? 5_000_000 : 30_000_000;
            }
        }
        long minMessages = quick ? 50 : 100;
        long messages = messagesOverride > 0 ? messagesOverride
            : clamp((long) (pace * measureSeconds), minMessages, maxMessages);
        if (messagesOverride <= 0 && subs > 1 && size >= 8 << 20) {
            // copying peers feeding 4 subscriber JVMs from 2 cores move 24 MiB at a few messages per
            // second (Unix sockets: under one): 50 messages keep the config inside its timeout
            messages = Math.min(messages, 50);
        }
        long warmup;
        long warmupNanos;
        if (warmupOverride >= 0 && warmupSecondsOverride < 0) {
            warmup = warmupOverride; // --warmup N alone: a count, as before
            warmupNanos = 0;
        } else {
            warmup = Math.max(0, warmupOverride);
            warmupNanos = (long) (1e9 * (warmupSecondsOverride >= 0 ? warmupSecondsOverride : warmupSeconds(w, quick)));
        }
        long sendRate = (w == Workload.ONE_WAY || w == Workload.RATE) ? pace : 0;
        return new Config(w, system, size, subs, warmup, warmupNanos, messages, sendRate, burst);
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }
}
