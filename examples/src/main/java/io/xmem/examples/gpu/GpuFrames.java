package io.xmem.examples.gpu;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.ParentWatch;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.cuda.Cuda;
import io.xmem.cuda.CudaDevice;
import io.xmem.cuda.CudaMemory;
import io.xmem.cuda.CudaPool;
import io.xmem.cuda.CudaStream;
import io.xmem.cuda.PatternKernels;
import io.xmem.ring.Message;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GPU frames across processes: a producer renders test-pattern frames on the GPU and hands
 * them to a consumer process that checks every frame on the GPU, two ways in one run:
 *
 * <ul>
 *   <li><b>ipc</b>: frames are device buffers of a pool (CUDA IPC); the ring carries only the
 *       token, the consumer waits on the buffer's interprocess event and checks in place. No
 *       byte leaves the GPU.</li>
 *   <li><b>copy</b> (the baseline): the producer copies each frame device → host into a host
 *       pool buffer (page-locked), the ring carries that reference, the consumer copies it host
 *       → device and checks there.</li>
 * </ul>
 *
 * <pre>
 * examples/run gpu-frames [--frames 2000] [--width 1920] [--height 1080] [--mode both|ipc|copy] [--breakdown]
 * </pre>
 *
 * Prints, per mode, frames/s, per-frame handoff cost, handoff latency percentiles (publish to
 * check done, System.nanoTime across processes) and the frames found wrong (must be 0). Exits
 * 2 without a GPU, saying why.
 */
public final class GpuFrames {
    private static final int SLOTS = 8;
    /** Hang guard for each step of the consumer: start-up, the report after the last frame, its exit. */
    private static final Duration CONSUMER_WAIT = Duration.ofSeconds(60);
    static final String USAGE = "usage: gpu-frames [--frames N] [--width W] [--height H] [--mode both|ipc|copy] "
        + "[--breakdown]\n  --frames N      frames per mode (default 2000)\n"
        + "  --width/--height  frame size in pixels, RGB (default 1920x1080)\n"
        + "  --mode          ipc: device buffers by reference; copy: device->host->device baseline; both (default)\n"
        + "  --breakdown     per-step costs of producer and consumer";
    private static boolean breakdown;

    private GpuFrames() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.start(); // the consumer leaves when the producer that started it is gone
        if (args.length > 0 && args[0].equals("consume")) {
            breakdown = Boolean.parseBoolean(args[6]);
            consume(args[1], args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]));
            return;
        }
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the example with command-line options; returns the exit code: 0 every frame checked
     * out, 1 a failure (no GPU here included), 2 a usage error.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) throws Exception {
        int frames = 2000;
        int width = 1920;
        int height = 1080;
        String mode = "both";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--frames" -> frames = intArg(args, ++i);
                case "--width" -> width = intArg(args, ++i);
                case "--height" -> height = intArg(args, ++i);
                case "--mode" -> mode = i + 1 < args.length ? args[++i] : "";
                case "--breakdown" -> breakdown = true;
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                default -> {
                    err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (frames == Integer.MIN_VALUE || width == Integer.MIN_VALUE || height == Integer.MIN_VALUE) {
            err.println("--frames, --width and --height take a whole number\n" + USAGE);
            return 2;
        }
        if (!List.of("both", "ipc", "copy").contains(mode)) {
            err.println("--mode is both, ipc or copy, was " + mode);
            return 2;
        }
        if (!Cuda.isAvailable()) {
            err.println("gpu-frames needs a CUDA GPU: " + Cuda.unavailableReason().orElse("?"));
            return 1;
        }
        long bytes = (long) width * height * 3;
        if (bytes % 4 != 0 || frames <= 0 || width <= 0 || height <= 0) {
            err.println("frames, width and height must be positive and width*height*3 a multiple of 4");
            return 2;
        }
        CudaDevice gpu = Cuda.device(0);
        out.printf(Locale.ROOT, "GPU frames: %d frames of %dx%d RGB (%.1f MiB) on %s, driver %d%n",
            frames, width, height, bytes / 1048576.0, gpu, Cuda.driverVersion());
        List<String> results = new ArrayList<>();
        if (!mode.equals("copy")) {
            results.add(run("ipc", frames, bytes));
        }
        if (!mode.equals("ipc")) {
            results.add(run("copy", frames, bytes));
        }
        results.forEach(out::println);
        out.flush();
        return results.stream().allMatch(r -> r.contains(" wrong=0 ")) ? 0 : 1;
    }

    /** The number at {@code args[i]}, or Integer.MIN_VALUE when it is missing or not a number. */
    private static int intArg(String[] args, int i) {
        try {
            return Integer.parseInt(args[i]);
        } catch (RuntimeException e) {
            return Integer.MIN_VALUE;
        }
    }

    /** One mode: creates the pool and ring, starts the consumer process, produces, collects its report. */
    private static String run(String mode, int frames, long bytes) throws Exception {
        String tag = "xmem-gpu-" + ProcessHandle.current().pid() + "-" + mode;
        String poolName = tag + "-pool";
        String ringName = tag + "-ring";
        PoolConfig.Builder cfg = PoolConfig.builder().alignment(4096).sizeClass(4096, 4);
        if (mode.equals("ipc")) {
            cfg.deviceSizeClass(bytes, SLOTS);
        } else {
            cfg.sizeClass(bytes, SLOTS);
        }
        try (Launcher launcher = new Launcher();
             BufferPool pool = BufferPool.create(poolName, cfg.build());
             Ring ring = Ring.create(ringName, RingConfig.builder().capacity(64 * 1024).pool(poolName).build())) {
            ChildProcess consumer = launcher.start(JvmCommand.of(GpuFrames.class).label("consumer")
                .flags("--enable-native-access=ALL-UNNAMED")
                .args("consume", mode, poolName, ringName, Long.toString(bytes), Integer.toString(frames),
                    Boolean.toString(breakdown))
                .onErrorLine(System.err::println));
            String ready = consumer.nextLine(CONSUMER_WAIT);
            if (!"SUBSCRIBED".equals(ready)) {
                throw new IllegalStateException("consumer said " + ready + consumer.diagnostics());
            }
            long start = System.nanoTime();
            produce(mode, pool, ring, bytes, frames);
            String report = consumer.nextLine(CONSUMER_WAIT);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (consumer.awaitExit(CONSUMER_WAIT) != 0) {
                throw new IllegalStateException("consumer failed: " + report + consumer.diagnostics());
            }
            return String.format(Locale.ROOT, "%-4s  %s  wall %.2f s", mode, report, seconds);
        } finally {
            Ring.delete(ringName);
            BufferPool.delete(poolName);
        }
    }

    private static void produce(String mode, BufferPool pool, Ring ring, long bytes, int frames) {
        CudaDevice gpu = Cuda.device(0);
        try (Publication pub = ring.publication();
             CudaStream stream = CudaStream.create(gpu);
             PatternKernels kernels = PatternKernels.load(gpu);
             CudaMemory scratch = mode.equals("copy") ? CudaMemory.allocate(gpu, bytes) : null) {
            CudaPool device = mode.equals("ipc") ? CudaPool.of(pool) : null;
            Map<Long, MemorySegment> pinned = new HashMap<>();
            long[] spent = new long[5]; // acquire, render, offer, close, total
            for (int f = 0; f < frames; f++) {
                long t0 = System.nanoTime();
                Buffer frame = device != null ? device.acquire(bytes, Duration.ofSeconds(30))
                    : pool.acquire(bytes, Duration.ofSeconds(30));
                long t1 = System.nanoTime();
                long t2 = t1;
                long t3 = t1;
                try {
                    if (mode.equals("ipc")) {
                        kernels.fill(device.pointer(frame), bytes, f, stream);
                        device.recordReady(frame, stream); // the consumer's stream waits for this, not the CPU
                    } else {
                        MemorySegment host = frame.segment();
                        pageLock(host, pinned);
                        kernels.fill(scratch.pointer(), bytes, f, stream);
                        scratch.copyToAsync(host, stream);
                        stream.synchronize(); // the bytes must be in host memory before the reference leaves
                    }
                    long now = System.nanoTime();
                    t2 = now;
                    long rc;
                    while ((rc = pub.offer(frame, 0, bytes, now, f)) < 0) {
                        if (rc == Publication.CLOSED) {
                            throw new IllegalStateException("ring closed");
                        }
                        Thread.onSpinWait(); // back-pressured: the consumer is a frame behind
                    }
                    t3 = System.nanoTime();
                } finally {
                    frame.close(); // the ring's pin keeps it until the consumer passed
                }
                long t4 = System.nanoTime();
                if (f >= frames / 10) {
                    spent[0] += t1 - t0;
                    spent[1] += t2 - t1;
                    spent[2] += t3 - t2;
                    spent[3] += t4 - t3;
                    spent[4]++;
                }
            }
            if (breakdown) {
                System.out.printf(Locale.ROOT,
                    "%s producer per frame: acquire %.1fus, render%s %.1fus, offer %.1fus, close %.1fus%n",
                    mode, spent[0] / 1e3 / spent[4], mode.equals("ipc") ? "+record" : "+copy out",
                    spent[1] / 1e3 / spent[4], spent[2] / 1e3 / spent[4], spent[3] / 1e3 / spent[4]);
            }
            pageUnlock(pinned);
        }
    }

    /** Page-locks a host frame once, so the copying baseline runs at full PCIe/NVLink-C2C speed. */
    private static void pageLock(MemorySegment host, Map<Long, MemorySegment> done) {
        if (!done.containsKey(host.address())) {
            done.put(host.address(), host);
            try {
                Cuda.pageLock(host);
            } catch (RuntimeException e) {
                done.put(host.address(), MemorySegment.NULL);
                System.err.println("note: cannot page-lock a pool buffer (" + e.getMessage() + "); copying pageable");
            }
        }
    }

    /** Undoes {@link #pageLock} before the pool's mapping goes away. */
    private static void pageUnlock(Map<Long, MemorySegment> done) {
        for (MemorySegment host : done.values()) {
            if (!host.equals(MemorySegment.NULL)) {
                Cuda.unpageLock(host);
            }
        }
        done.clear();
    }

    private static void consume(String mode, String poolName, String ringName, long bytes, int frames)
        throws IOException {
        CudaDevice gpu = Cuda.device(0);
        try (BufferPool pool = BufferPool.open(poolName);
             Ring ring = Ring.open(ringName);
             Subscription sub = ring.subscription();
             CudaStream stream = CudaStream.create(gpu);
             PatternKernels kernels = PatternKernels.load(gpu);
             CudaMemory scratch = mode.equals("copy") ? CudaMemory.allocate(gpu, bytes) : null) {
            CudaPool device = mode.equals("ipc") ? CudaPool.of(pool) : null;
            System.out.println("SUBSCRIBED");
            System.out.flush();
            long[] latency = new long[frames];
            long[] wrong = new long[1];
            long[] spent = new long[4]; // attach, wait/copy in, check, close
            int[] seen = new int[1];
            Map<Long, MemorySegment> pinned = new HashMap<>();
            long start = 0;
            while (seen[0] < frames) {
                int n = sub.poll((Message m) -> {
                    int f = (int) m.tag();
                    long t0 = System.nanoTime();
                    Buffer frame = m.retain();
                    long t1 = System.nanoTime();
                    long t2;
                    long bad;
                    if (mode.equals("ipc")) {
                        device.waitReady(frame, stream);
                        t2 = System.nanoTime();
                        bad = kernels.mismatches(device.pointer(frame), bytes, f, stream);
                    } else {
                        MemorySegment host = frame.segment();
                        pageLock(host, pinned);
                        scratch.copyFromAsync(host, stream);
                        t2 = System.nanoTime();
                        bad = kernels.mismatches(scratch.pointer(), bytes, f, stream);
                    }
                    long t3 = System.nanoTime();
                    frame.close();
                    long t4 = System.nanoTime();
                    if (bad != 0 || f != seen[0]) {
                        wrong[0]++;
                    }
                    if (f >= frames / 10) {
                        spent[0] += t1 - t0;
                        spent[1] += t2 - t1;
                        spent[2] += t3 - t2;
                        spent[3] += t4 - t3;
                    }
                    latency[seen[0]++] = System.nanoTime() - m.timestamp();
                }, 16);
                if (n == 0) {
                    Thread.onSpinWait();
                } else if (start == 0) {
                    start = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] sorted = Arrays.copyOfRange(latency, Math.min(frames - 1, frames / 10), frames); // skip warm-up
            Arrays.sort(sorted);
            double fps = (frames - 1) / seconds;
            long counted = frames - frames / 10;
            String parts = String.format(Locale.ROOT, " consumer: attach %.1fus, %s %.1fus, check %.1fus, close %.1fus",
                spent[0] / 1e3 / counted, mode.equals("ipc") ? "wait" : "copy in", spent[1] / 1e3 / counted,
                spent[2] / 1e3 / counted, spent[3] / 1e3 / counted);
            System.out.printf(Locale.ROOT,
                "frames=%d wrong=%d fps=%.0f per-frame=%.1fus handoff-to-checked p50=%.1fus p99=%.1fus max=%.1fus "
                    + "moved=%.2fGB/s%s%n",
                frames, wrong[0], fps, 1e6 / fps, sorted[sorted.length / 2] / 1e3,
                sorted[(int) (sorted.length * 0.99)] / 1e3, sorted[sorted.length - 1] / 1e3, fps * bytes / 1e9,
                breakdown ? parts : "");
            System.out.flush();
            pageUnlock(pinned);
        }
    }
}
