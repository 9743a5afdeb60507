package io.xmem.perf.harness;

import java.nio.file.Path;

/**
 * One measured configuration: which transport, message length, number of subscribers, how
 * many messages after how much warm-up (at least {@code warmupMessages} messages <em>and</em>
 * {@code warmupNanos} of sending, whichever ends later), at what rate ({@code ratePerSecond} 0 =
 * as fast as possible, with bursts of {@code burst} messages), whether one-way or round-trip, and where shared
 * files go.
 * Serialised to child processes as command-line arguments.
 *
 * <p>A round trip uses two channels of the same transport: the forward one as prepared for
 * this spec, and an echo channel prepared for {@link #echo()} on which the (single) subscriber
 * process publishes back what it received, with the original timestamp.
 */
public record RunSpec(String transport, Mode mode, int messageLength, int subscribers, long messages,
                      long warmupMessages, long warmupNanos, long ratePerSecond, int burst, Path workDir,
                      String runId) {

    public enum Mode { ONE_WAY, ROUND_TRIP }

    /** The spec of the echo channel of a round trip: same everything, its own run id. */
    public RunSpec echo() {
        return new RunSpec(transport, mode, messageLength, 1, messages, warmupMessages, warmupNanos, ratePerSecond,
            burst, workDir, runId + "-echo");
    }
}
