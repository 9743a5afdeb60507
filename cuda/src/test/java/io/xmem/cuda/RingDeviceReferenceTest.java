package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.cuda.Cuda;
import io.xmem.pool.cuda.CudaStream;
import io.xmem.pool.cuda.PatternKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void deviceReferencesArriveAsDeviceMessagesAndHoldTheSlot() {
        if (Boolean.getBoolean("xmem.test.requireGpu")) { // set by gpu/run: there a skip would hide a failure
            assertTrue(Cuda.isAvailable(), () -> "a GPU was required: " + Cuda.unavailableReason().orElse("?"));
        }
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA GPU here: " + Cuda.unavailableReason().orElse("?"));
        String poolName = fx.pool();
        BufferPool pool = fx.track(BufferPool.create(poolName,
            PoolConfig.builder().sizeClass(4096, 4).deviceSizeClass(FRAME, 2).build()));
        Ring ring = fx.track(Ring.create(fx.ring(), RingConfig.builder().capacity(4096).pool(poolName).build()));
        try (Subscription sub = ring.subscription();
             Publication pub = ring.publication();
             CudaStream stream = CudaStream.create(pool.device());
             PatternKernels kernels = PatternKernels.load(pool.device())) {
            long pointer;
            try (Buffer frame = pool.acquireDevice(FRAME)) {
                pointer = frame.devicePointer();
                kernels.fill(pointer, FRAME, 12, stream);
                frame.recordReady(stream);
                assertTrue(pub.offer(frame, 0, FRAME, 111, 12) >= 0);
            }
            assertEquals(1, pool.stats().sizeClasses().get(1).held(), "the ring's pin holds the device slot");
            List<Long> mismatches = new ArrayList<>();
            int n = sub.poll(m -> {
                assertTrue(m.isDevice());
                assertFalse(m.isInline());
                assertThrows(IllegalStateException.class, m::segment);
                assertEquals(pointer, m.devicePointer());
                assertEquals(111, m.timestamp());
                try (Buffer b = m.retain()) {
                    b.waitReady(stream);
                    mismatches.add(kernels.mismatches(m.devicePointer(), m.length(), (int) m.tag(), stream));
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
                assertEquals(7, m.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 63));
                assertThrows(IllegalStateException.class, m::devicePointer);
            }, 10));
        }
        assertEquals(2, pool.stats().sizeClasses().get(1).free(), "passed by the only subscriber: unpinned");
    }
}
