package io.xmem.perf.minimal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the scheduler did to the calling thread between {@link #begin} and {@link #end}, from
 * {@code /proc/thread-self}: time on a CPU and time runnable but waiting for one ({@code schedstat}),
 * involuntary context switches ({@code status}), and the wall time. Read twice per run, never per message.
 */
final class SchedWindow {
    private long wallNs;
    private long cpuNs;
    private long waitNs;
    private long involuntary;

    SchedWindow() {
        read(); // loads the classes before the measured part
    }

    void begin() {
        long[] now = read();
        wallNs = -System.nanoTime();
        cpuNs = -now[0];
        waitNs = -now[1];
        involuntary = -now[2];
    }

    void end() {
        long[] now = read();
        wallNs += System.nanoTime();
        cpuNs += now[0];
        waitNs += now[1];
        involuntary += now[2];
    }

    /** The fields of the RESULT line. */
    String fields() {
        return " wallNs=" + wallNs + " cpuNs=" + cpuNs + " waitNs=" + waitNs + " ivcsw=" + involuntary;
    }

    /** On-CPU ns, run-queue wait ns, involuntary switches; zeros where /proc lacks them. */
    private static long[] read() {
        long[] out = new long[3];
        try {
            String[] stat = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
            out[0] = Long.parseLong(stat[0]);
            out[1] = Long.parseLong(stat[1]);
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    out[2] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no schedstat: reported as zero
        }
        return out;
    }
}
