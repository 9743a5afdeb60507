package io.xmem.cuda;

import io.xmem.cuda.internal.CudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Two kernels that write and check a deterministic test pattern on the device, for self-tests,
 * the GPU example and anyone who wants to prove a frame crossed processes intact: 32-bit word
 * {@code i} of frame {@code f} holds {@link #expected(long, int)}. Both run on a stream and
 * never copy the frame to the host.
 *
 * <p>The kernels ship as PTX ({@code pattern.ptx}, generated from {@code cuda/src/test/cuda/pattern.cu});
 * the driver compiles it for the GPU at load time.
 */
public final class PatternKernels implements AutoCloseable {
    private static final int BLOCK = 256;

    private final CudaDevice device;
    private final long module;
    private final long fill;
    private final long check;
    private final CudaMemory counter;
    private boolean closed;

    private PatternKernels(CudaDevice device, long module) {
        this.device = device;
        this.module = module;
        this.fill = CudaDriver.moduleGetFunction(module, "xmem_pattern_fill");
        this.check = CudaDriver.moduleGetFunction(module, "xmem_pattern_check");
        this.counter = CudaMemory.allocate(device, Long.BYTES);
    }

    /** Loads the kernels into {@code device}'s primary context. */
    public static PatternKernels load(CudaDevice device) {
        byte[] ptx;
        try (InputStream in = PatternKernels.class.getResourceAsStream("pattern.ptx")) {
            if (in == null) {
                throw new IllegalStateException("pattern.ptx is missing from the xmem pool jar");
            }
            ptx = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = arena.allocate(ptx.length + 1L);
            image.copyFrom(MemorySegment.ofArray(ptx));
            return new PatternKernels(device, CudaDriver.moduleLoadData(image));
        }
    }

    /** Word {@code index} of frame {@code frame}: what {@link #fill} writes and {@link #mismatches} expects. */
    public static int expected(long index, int frame) {
        return (int) (index * 2654435761L) ^ (frame * 0x9E3779B9) ^ (int) (index >>> 20);
    }

    /** Queues a fill of {@code bytes} (a multiple of 4) at device address {@code pointer} with frame {@code frame}. */
    public void fill(long pointer, long bytes, int frame, CudaStream stream) {
        long words = words(bytes);
        ensureOpen();
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            launch(fill, words, stream, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, pointer),
                arena.allocateFrom(ValueLayout.JAVA_LONG, words), arena.allocateFrom(ValueLayout.JAVA_INT, frame));
        }
    }

    /**
     * Checks {@code bytes} at {@code pointer} against frame {@code frame} on the device, after the
     * work already queued on {@code stream}; waits for it and returns how many words differ.
     */
    public synchronized long mismatches(long pointer, long bytes, int frame, CudaStream stream) {
        long words = words(bytes);
        ensureOpen();
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zero = arena.allocateFrom(ValueLayout.JAVA_LONG, 0L);
            CudaDriver.copyHostToDeviceAsync(counter.pointer(), zero, Long.BYTES, stream.handle());
            launch(check, words, stream, arena, arena.allocateFrom(ValueLayout.JAVA_LONG, pointer),
                arena.allocateFrom(ValueLayout.JAVA_LONG, words), arena.allocateFrom(ValueLayout.JAVA_INT, frame),
                arena.allocateFrom(ValueLayout.JAVA_LONG, counter.pointer()));
            MemorySegment result = arena.allocate(ValueLayout.JAVA_LONG);
            CudaDriver.copyDeviceToHostAsync(result, counter.pointer(), Long.BYTES, stream.handle());
            stream.synchronize();
            return result.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    private void launch(long function, long words, CudaStream stream, Arena arena, MemorySegment... args) {
        MemorySegment params = arena.allocate(ValueLayout.ADDRESS, args.length);
        for (int i = 0; i < args.length; i++) {
            params.setAtIndex(ValueLayout.ADDRESS, i, args[i]);
        }
        int grid = (int) Math.max(1, Math.min(4096, (words + BLOCK - 1) / BLOCK));
        CudaDriver.launch(function, grid, BLOCK, stream.handle(), params);
    }

    private static long words(long bytes) {
        if (bytes < 0 || bytes % 4 != 0) {
            throw new IllegalArgumentException("pattern kernels work on whole 32-bit words: " + bytes + " bytes");
        }
        return bytes / 4;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("kernels unloaded");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            counter.close();
            device.makeCurrent();
            CudaDriver.moduleUnload(module);
        }
    }
}
