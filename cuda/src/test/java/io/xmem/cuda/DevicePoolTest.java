package io.xmem.cuda;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolExhaustedException;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.pool.PoolStats;
import io.xmem.pool.StaleTokenException;
import io.xmem.pool.XmemException;
import io.xmem.pool.testing.LineChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pools with device size classes. The first group runs everywhere (configuration, and the
 * behaviour without a GPU); the rest needs a CUDA GPU and is skipped, with the reason, where
 * {@link Cuda#isAvailable()} is false. Cross-process tests use real child JVMs that map the
 * creator's device memory through CUDA IPC and check frames with kernels on the device.
 */
class DevicePoolTest {
    private static final long FRAME = 1920L * 1080 * 3; // one RGB 1080p frame, a multiple of 4
    private static final int FRAMES = 4;

    @RegisterExtension
    final GpuFixture fx = new GpuFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(4096, 8).deviceSizeClass(FRAME, FRAMES).build();
    }

    /** Skips without a GPU; fails instead where {@code -Dxmem.test.requireGpu=true} (the GPU script sets it). */
    static void assumeGpu() {
        if (Boolean.getBoolean("xmem.test.requireGpu")) {
            assertTrue(Cuda.isAvailable(), () -> "a GPU was required: " + Cuda.unavailableReason().orElse("?"));
        }
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA GPU here: " + Cuda.unavailableReason().orElse("?"));
    }

    // ------------------------------------------------------------------ everywhere

    @Test
    void availabilityComesWithAReasonWhenFalse() {
        boolean available = Cuda.isAvailable();
        assertEquals(!available, Cuda.unavailableReason().isPresent());
        if (!available) {
            assertFalse(Cuda.unavailableReason().orElseThrow().isBlank());
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Cuda.device(0));
            assertTrue(e.getMessage().startsWith("CUDA unavailable: "), e.getMessage());
        }
    }

    @Test
    void configOrdersHostClassesFirstAndValidatesDeviceClasses() {
        PoolConfig cfg = PoolConfig.builder().deviceSizeClass(1 << 20, 2).sizeClass(1 << 20, 2).sizeClass(64, 4)
            .device(0).build();
        assertEquals(3, cfg.sizeClasses().size());
        assertFalse(cfg.sizeClasses().get(0).device());
        assertEquals(64, cfg.sizeClasses().get(0).bufferSize());
        assertFalse(cfg.sizeClasses().get(1).device());
        assertTrue(cfg.sizeClasses().get(2).device(), "same size on host and device is allowed");
        assertTrue(cfg.hasDeviceClasses());
        assertThrows(InvalidConfigException.class, () -> PoolConfig.builder().deviceSizeClass(0, 1));
        assertThrows(InvalidConfigException.class, () -> PoolConfig.builder().deviceSizeClass(64, 0));
        assertThrows(InvalidConfigException.class, () -> PoolConfig.builder().device(-1));
        InvalidConfigException twice = assertThrows(InvalidConfigException.class,
            () -> PoolConfig.builder().deviceSizeClass(64, 1).deviceSizeClass(64, 2).build());
        assertTrue(twice.getMessage().contains("device size classes of 64"), twice.getMessage());
    }

    @Test
    void deviceCallsOnAHostPoolFailClearly() {
        BufferPool pool = fx.create(PoolConfig.builder().sizeClass(4096, 2).build());
        assertFalse(pool.hasDeviceClasses());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaPool.of(pool));
        assertTrue(e.getMessage().contains("deviceSizeClass"), e.getMessage());
        try (Buffer b = pool.acquire(100)) {
            assertFalse(b.isDevice());
        }
    }

    @Test
    void withoutCudaADevicePoolIsNotCreatedAndLeavesNoFiles() {
        assumeFalse(Cuda.isAvailable(), "this machine has a GPU; the no-GPU path is tested where there is none");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> fx.create(config()));
        assertTrue(e.getMessage().contains(fx.name()) && e.getMessage().contains("CUDA is unavailable"),
            e.getMessage());
        assertFalse(Files.exists(GpuFixture.poolFile(fx.name())));
        assertFalse(Files.exists(GpuFixture.lockFile(fx.name())));
    }

    // ------------------------------------------------------------------ on a GPU

    @Test
    void deviceDescribesItself() {
        assumeGpu();
        CudaDevice d = Cuda.device(0);
        assertFalse(d.name().isBlank());
        assertTrue(d.totalMemory() > 0);
        assertEquals(16, d.uuid().length);
        assertArrayEquals(d.uuid(), Cuda.deviceByUuid(d.uuid()).orElseThrow().uuid());
        assertTrue(Cuda.driverVersion() >= 11000, "driver " + Cuda.driverVersion());
    }

    @Test
    void deviceBuffersRecycleWithTokensAndKernelsSeeTheirBytes() {
        assumeGpu();
        BufferPool pool = fx.create(config());
        CudaPool gpu = CudaPool.of(pool);
        assertTrue(pool.hasDeviceClasses());
        assertEquals(FRAME, gpu.maxBufferSize());
        assertEquals(4096, pool.maxBufferSize());
        try (CudaStream stream = CudaStream.create(gpu.device());
             PatternKernels kernels = PatternKernels.load(gpu.device())) {
            long firstPointer;
            long firstToken;
            try (Buffer frame = gpu.acquire(FRAME)) {
                assertTrue(frame.isDevice());
                assertThrows(IllegalStateException.class, frame::segment);
                assertThrows(IllegalStateException.class, () -> pool.segment(frame.token()));
                firstPointer = gpu.pointer(frame);
                firstToken = frame.token();
                assertEquals(firstPointer, gpu.pointer(frame.token()));
                kernels.fill(gpu.pointer(frame), FRAME, 7, stream);
                gpu.recordReady(frame, stream);
                assertEquals(0, kernels.mismatches(gpu.pointer(frame), FRAME, 7, stream));
                assertEquals(FRAME / 4, kernels.mismatches(gpu.pointer(frame), FRAME, 8, stream),
                    "the check kernel must see every word of another frame as wrong");
                PoolStats.SizeClassStats deviceClass = pool.stats().sizeClasses().get(1);
                assertTrue(deviceClass.device());
                assertEquals(FRAMES - 1, deviceClass.free());
                PoolSnapshot.SizeClass seen = PoolInspection.inspect(fx.name(), PoolConfig.DEFAULT_DIRECTORY)
                    .sizeClasses().get(1);
                assertTrue(seen.device(), "xmem stat's read-only view tells device classes apart");
                assertEquals(1, seen.held());
            }
            // All FRAMES slots, then exhaustion, then recycling with a fresh generation.
            Buffer[] all = new Buffer[FRAMES];
            for (int i = 0; i < FRAMES; i++) {
                all[i] = gpu.acquire(FRAME / 2);
            }
            assertThrows(PoolExhaustedException.class, () -> gpu.acquire(FRAME));
            assertThrows(PoolExhaustedException.class, () -> gpu.acquire(FRAME, Duration.ofMillis(20)));
            for (Buffer b : all) {
                assertNotEquals(firstToken, b.token(), "a recycled slot carries a new generation");
                b.close();
            }
            assertThrows(StaleTokenException.class, () -> pool.attach(firstToken));
            long token = gpu.tryAcquireToken(FRAME);
            assertNotEquals(BufferPool.NO_TOKEN, token);
            assertTrue(gpu.pointer(token) != 0);
            pool.releaseToken(token);
        }
    }

    @Test
    void anotherProcessMapsTheFrameAndChecksItOnTheDevice() {
        assumeGpu();
        BufferPool pool = fx.create(config());
        CudaPool gpu = CudaPool.of(pool);
        GpuFixture.Child child = fx.childInPool();
        try (CudaStream stream = CudaStream.create(gpu.device());
             PatternKernels kernels = PatternKernels.load(gpu.device());
             Buffer frame = gpu.acquire(FRAME)) {
            kernels.fill(gpu.pointer(frame), FRAME, 41, stream);
            gpu.recordReady(frame, stream); // no host synchronisation: the child's stream waits on the event
            String token = LineChildJvm.hex(frame.token());
            child.ok("ATTACH " + token);
            assertEquals("0", child.ok("DCHECK " + token + " 41"));
            assertEquals(Long.toString(FRAME / 4), child.ok("DCHECK " + token + " 40"));
            // And back: the child renders into a buffer of its own, the parent checks it.
            String theirs = child.ok("DACQUIRE " + FRAME);
            child.ok("DFILL " + theirs + " 99");
            try (Buffer b = pool.attach(LineChildJvm.token(theirs))) {
                gpu.waitReady(b, stream);
                assertEquals(0, kernels.mismatches(gpu.pointer(b), FRAME, 99, stream));
            }
            child.ok("CLOSE " + token);
        }
    }

    @Test
    void aKilledHolderOfADeviceBufferIsReclaimedAndTheSlotServesAgain() {
        assumeGpu();
        BufferPool pool = fx.create(config());
        CudaPool gpu = CudaPool.of(pool);
        GpuFixture.Child child = fx.childInPool();
        for (int i = 0; i < FRAMES; i++) {
            String token = child.ok("DACQUIRE " + FRAME);
            child.ok("DFILL " + token + " " + i); // the child maps the slot and has GPU work on it when killed
        }
        assertThrows(PoolExhaustedException.class, () -> gpu.acquire(FRAME));
        child.kill9();
        assertEquals(FRAMES, pool.reclaim());
        try (CudaStream stream = CudaStream.create(gpu.device());
             PatternKernels kernels = PatternKernels.load(gpu.device());
             Buffer frame = gpu.acquire(FRAME)) {
            kernels.fill(gpu.pointer(frame), FRAME, 3, stream);
            assertEquals(0, kernels.mismatches(gpu.pointer(frame), FRAME, 3, stream));
        }
    }

    @Test
    void theCreatorKeepsDeviceMemoryWhileOthersUseItAndReleasesItLast() {
        assumeGpu();
        BufferPool creator = BufferPool.create(fx.name(), config()); // closed by the test itself
        CudaPool gpu = CudaPool.of(creator);
        GpuFixture.Child child = fx.childInPool();
        String token;
        try (CudaStream stream = CudaStream.create(gpu.device());
             PatternKernels kernels = PatternKernels.load(gpu.device());
             Buffer frame = gpu.acquire(FRAME)) {
            kernels.fill(gpu.pointer(frame), FRAME, 5, stream);
            gpu.recordReady(frame, stream);
            token = LineChildJvm.hex(frame.token());
            child.ok("ATTACH " + token);
        }
        creator.close(); // the child is alive: the memory must stay
        assertEquals("0", child.ok("DCHECK " + token + " 5"));
        child.ok("CLOSEPOOL");
        // Reopened in the creating process: it uses its own allocations again.
        try (BufferPool again = BufferPool.open(fx.name())) {
            CudaPool gpuAgain = CudaPool.of(again);
            try (Buffer b = gpuAgain.acquire(FRAME)) {
                assertTrue(gpuAgain.pointer(b) != 0);
            }
        } // last participant, and the creator: frees the memory and marks the pool released
        try (BufferPool late = BufferPool.open(fx.name())) {
            CudaPool gpuLate = CudaPool.of(late);
            Buffer b = gpuLate.acquire(FRAME);
            XmemException e = assertThrows(XmemException.class, () -> gpuLate.pointer(b));
            assertTrue(e.getMessage().contains("released by its creator"), e.getMessage());
            b.close();
        }
    }
}
