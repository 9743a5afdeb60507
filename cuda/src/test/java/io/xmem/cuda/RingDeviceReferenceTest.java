package io.xmem.cuda;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A ring carries device buffers like host ones: the record says which kind, the subscriber
 * gets the device address instead of a segment, and the ring's pin keeps the GPU slot from
 * being recycled until every subscriber passed. Needs a CUDA GPU; skipped (with the reason)
 * without one. The cross-process path is exercised by the GPU frames example.
 */
class RingDeviceReferenceTest {
    private static final long FRAME = 1 << 20;
    private final String poolName = "xmem-test-gpuring-pool-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String ringName = "xmem-test-gpuring-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void deleteFiles() {
        Ring.delete(ringName);
        BufferPool.delete(poolName);
    }

    @Test
    void deviceReferencesArriveAsDeviceMessagesAndHoldTheSlot() {
        if (Boolean.getBoolean("xmem.test.requireGpu")) { // set by gpu/run: there a skip would hide a failure
            assertTrue(Cuda.isAvailable(), () -> "a GPU was required: " + Cuda.unavailableReason().orElse("?"));
        }
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA GPU here: " + Cuda.unavailableReason().orElse("?"));
        try (BufferPool pool = BufferPool.create(poolName,
                PoolConfig.builder().sizeClass(4096, 4).deviceSizeClass(FRAME, 2).build());
             Ring ring = Ring.create(ringName, RingConfig.builder().capacity(4096).pool(poolName).build())) {
            CudaPool gpu = CudaPool.of(pool);
            publishAndRead(pool, gpu, ring);
            assertEquals(2, pool.stats().sizeClasses().get(1).free(), "passed by the only subscriber: unpinned");
        }
    }

    private static void publishAndRead(BufferPool pool, CudaPool gpu, Ring ring) {
        try (Subscription sub = ring.subscription();
             Publication pub = ring.publication();
             CudaStream stream = CudaStream.create(gpu.device());
             PatternKernels kernels = PatternKernels.load(gpu.device())) {
            long pointer;
            try (Buffer frame = gpu.acquire(FRAME)) {
                pointer = gpu.pointer(frame);
                kernels.fill(pointer, FRAME, 12, stream);
                gpu.recordReady(frame, stream);
                assertTrue(pub.offer(frame, 0, FRAME, 111, 12) >= 0);
            }
            assertEquals(1, pool.stats().sizeClasses().get(1).held(), "the ring's pin holds the device slot");
            List<Long> mismatches = new ArrayList<>();
            int n = sub.poll(m -> {
                assertTrue(m.isDevice());
                assertFalse(m.isInline());
                assertThrows(IllegalStateException.class, m::segment);
                assertEquals(pointer, gpu.pointer(m));
                assertEquals(111, m.timestamp());
                try (Buffer b = m.retain()) {
                    gpu.waitReady(b, stream);
                    mismatches.add(kernels.mismatches(gpu.pointer(m), m.length(), (int) m.tag(), stream));
                }
            }, 10);
            assertEquals(1, n);
            assertEquals(List.of(0L), mismatches);
            // A host reference in the same ring still reads as a host message.
            try (Buffer host = pool.acquire(64)) {
                host.segment().fill((byte) 7);
                assertTrue(pub.offer(host, 0, 64, 0, 0) >= 0);
            }
            assertEquals(1, sub.poll(m -> {
                assertFalse(m.isDevice());
                assertEquals(7, m.segment().get(ValueLayout.JAVA_BYTE, 63));
                assertThrows(IllegalStateException.class, () -> gpu.pointer(m));
            }, 10));
        }
    }
}
