package io.xmem.perf.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * Which configurations a run measures and how many messages each sends. Counts follow from a
 * target duration per configuration and the pace: light-load latency runs pace at
 * min(50,000 msg/s, 1 GB/s of payload), so the system is idle between messages even at 24 MiB;
 * rate runs at min(--rate, 0.5 GB/s of payload).
 */
public record Plan(List<Workload> workloads, List<String> systems, List<Integer> sizes, List<Integer> subscribers,
                   List<Integer> bursts, long rate, boolean quick, long messagesOverride, long warmupOverride) {

    public static final List<Integer> ALL_SIZES = List.of(32, 256, 4096, 64 * 1024, 1024 * 1024,
        8 * 1024 * 1024, 24 * 1024 * 1024);
    public static final List<Integer> QUICK_SIZES = List.of(32, 4096, 1024 * 1024);

    public List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (Workload w : workloads) {
            for (int size : sizes) {
                for (int subs : w == Workload.ROUND_TRIP ? List.of(1) : subscribers) {
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

    private Config config(Workload w, String system, int size, int subs, int burst) {
        double measureSeconds = quick ? 0.5 : 5;
        double warmupSeconds = quick ? 0.3 : 2;
        long pace;
        long maxMessages;
        switch (w) {
            case ONE_WAY -> {
                pace = oneWayRate(size);
                maxMessages = quick ? 25_000 : 250_000;
            }
            case RATE -> {
                pace = Math.max(1, Math.min(rate, (long) (5e8 / size)));
                maxMessages = quick ? 25_000 : 250_000;
            }
            case ROUND_TRIP -> {
                pace = Math.max(1, Math.min(50_000, (long) (1e9 / size))); // an estimate: ping-pong is unpaced
                maxMessages = quick ? 20_000 : 200_000;
            }
            default -> {
                pace = Math.max(1, Math.min(2_000_000, (long) (2e9 / size))); // an estimate: the stream is unpaced
                maxMessages = quick ? 200_000 : 2_000_000;
            }
        }
        long minMessages = quick ? 50 : 500;
        long messages = messagesOverride > 0 ? messagesOverride
            : clamp((long) (pace * measureSeconds), minMessages, maxMessages);
        long warmup = warmupOverride >= 0 ? warmupOverride
            : clamp((long) (pace * warmupSeconds), quick ? 20 : 100, maxMessages / 2);
        long sendRate = (w == Workload.ONE_WAY || w == Workload.RATE) ? pace : 0;
        return new Config(w, system, size, subs, warmup, messages, sendRate, burst);
    }

    /** The light-load pace of one-way latency runs. */
    static long oneWayRate(int size) {
        return Math.max(1, Math.min(50_000, (long) (1e9 / size)));
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }
}
