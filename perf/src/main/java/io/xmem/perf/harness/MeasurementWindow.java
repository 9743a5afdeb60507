package io.xmem.perf.harness;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a child's hot thread cost while it was measuring, read in the child itself at the first and
 * after the last measured message: collections of every collector and their time
 * ({@link GarbageCollectorMXBean}), bytes the thread allocated and CPU time it used
 * ({@code com.sun.management.ThreadMXBean}), and its voluntary and involuntary context switches
 * ({@code /proc/thread-self/status}). Each read is made once per run, never per message, and the
 * window's own reads are outside the allocation figure.
 *
 * <p>When the harness wraps the child in {@code perf stat} (started with its counters disabled),
 * {@code begin} and {@code end} also switch those counters on and off through perf's control FIFO,
 * so its figures cover the same window.
 */
final class MeasurementWindow {
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final FileOutputStream perfControl;
    private final FileInputStream perfAck;
    private boolean begun;
    private boolean ended;
    private long gcCount;
    private long gcMillis;
    private long allocated;
    private long cpuNanos;
    private long voluntary;
    private long involuntary;
    private long startEpochMillis;
    private long endEpochMillis;

    /** {@code perfControl}/{@code perfAck}: perf stat's control and ack FIFOs, or null without perf. */
    MeasurementWindow(String perfControl, String perfAck) throws IOException {
        this.perfControl = perfControl == null ? null : new FileOutputStream(perfControl);
        this.perfAck = perfAck == null ? null : new FileInputStream(perfAck);
        // every read once now, so the first real one (mid-stream) finds its classes loaded and its code warm
        contextSwitches();
        gcCount();
        gcMillis();
        threads.getCurrentThreadCpuTime();
        threads.getCurrentThreadAllocatedBytes();
    }

    void begin() {
        if (begun) {
            return;
        }
        begun = true;
        perf("enable");
        long[] switches = contextSwitches();
        voluntary = -switches[0];
        involuntary = -switches[1];
        startEpochMillis = System.currentTimeMillis();
        gcCount = -gcCount();
        gcMillis = -gcMillis();
        cpuNanos = -threads.getCurrentThreadCpuTime();
        allocated = -threads.getCurrentThreadAllocatedBytes();
    }

    void end() {
        if (!begun || ended) {
            return;
        }
        ended = true;
        allocated += threads.getCurrentThreadAllocatedBytes();
        cpuNanos += threads.getCurrentThreadCpuTime();
        gcCount += gcCount();
        gcMillis += gcMillis();
        endEpochMillis = System.currentTimeMillis();
        long[] switches = contextSwitches();
        voluntary += switches[0];
        involuntary += switches[1];
        perf("disable");
    }

    /** The {@code RESULT} line's fields for this window (zeros when it never began). */
    String fields() {
        if (!begun) {
            return " window=0";
        }
        end();
        return " window=1 gcCount=" + gcCount + " gcMs=" + gcMillis + " allocBytes=" + allocated + " cpuNs=" + cpuNanos
            + " vcsw=" + voluntary + " ivcsw=" + involuntary + " startEpochMs=" + startEpochMillis
            + " endEpochMs=" + endEpochMillis;
    }

    private long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean c : collectors) {
            n += Math.max(0, c.getCollectionCount());
        }
        return n;
    }

    private long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean c : collectors) {
            n += Math.max(0, c.getCollectionTime());
        }
        return n;
    }

    /** Voluntary and involuntary context switches of the calling thread; zeros where /proc has none. */
    private static long[] contextSwitches() {
        long[] out = new long[2];
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    out[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    out[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: reported as zero
        }
        return out;
    }

    /** Tells perf stat to switch its counters on or off and waits for its acknowledgement. */
    private void perf(String command) {
        if (perfControl == null) {
            return;
        }
        try {
            perfControl.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            perfControl.flush();
            int b;
            do { // perf answers "ack\n" and a NUL: wait for the line, skip the NUL of the previous answer
                b = perfAck.read();
            } while (b >= 0 && b != '\n');
        } catch (IOException e) {
            throw new IllegalStateException("perf stat control FIFO: " + e.getMessage(), e);
        }
    }
}
