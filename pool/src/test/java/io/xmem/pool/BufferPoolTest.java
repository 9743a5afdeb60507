package io.xmem.pool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BufferPoolTest {
    private final String name = "xmem-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void cleanUp() {
        BufferPool.delete(name);
    }

    private static PoolConfig small() {
        return PoolConfig.builder().sizeClass(4096, 4).sizeClass(1 << 20, 2).build();
    }

    @Test
    void acquireWriteAttachRead() {
        try (BufferPool pool = BufferPool.create(name, small());
             Buffer b = pool.acquire(1000)) {
            assertEquals(1000, b.segment().byteSize());
            assertEquals(4096, b.capacity());
            assertEquals(0, b.segment().address() % 64);
            b.segment().set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9ABCL);
            try (BufferPool again = BufferPool.open(name); Buffer a = again.attach(b.token())) {
                assertEquals(0x1234_5678_9ABCL, a.segment().get(ValueLayout.JAVA_LONG, 0));
                assertEquals(1000, a.length());
            }
        }
    }

    @Test
    void staleTokenAfterRelease() {
        try (BufferPool pool = BufferPool.create(name, small())) {
            long token;
            try (Buffer b = pool.acquire(10)) {
                token = b.token();
            }
            assertThrows(StaleTokenException.class, () -> pool.attach(token));
            // even after the slot is reused
            List<Buffer> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(pool.acquire(10));
            }
            assertThrows(StaleTokenException.class, () -> pool.attach(token));
            all.forEach(Buffer::close);
        }
    }

    @Test
    void exhaustion() {
        try (BufferPool pool = BufferPool.create(name, small())) {
            Buffer a = pool.acquire(1 << 20);
            Buffer b = pool.acquire(1 << 20);
            assertNull(pool.tryAcquire(1 << 20));
            assertThrows(PoolExhaustedException.class, () -> pool.acquire(1 << 20));
            long t0 = System.nanoTime();
            assertThrows(PoolExhaustedException.class, () -> pool.acquire(1 << 20, Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - t0 >= 50_000_000L);
            a.close();
            try (Buffer c = pool.acquire(1 << 20, Duration.ofMillis(50))) {
                assertNotNull(c);
            }
            b.close();
            assertEquals(6, pool.stats().totalFree());
        }
    }

    @Test
    void retainKeepsBufferUntilLastClose() {
        try (BufferPool pool = BufferPool.create(name, small())) {
            Buffer a = pool.acquire(100);
            Buffer b = a.retain();
            a.close();
            assertEquals(3, pool.stats().sizeClasses().get(0).free());
            try (Buffer c = pool.attach(b.token())) {
                assertEquals(100, c.length());
            }
            b.close();
            assertEquals(4, pool.stats().sizeClasses().get(0).free());
        }
    }

    @Test
    void scopeAllocatesAndReleases() {
        try (BufferPool pool = BufferPool.create(name, small())) {
            try (PoolScope scope = pool.scope()) {
                MemorySegment xs = scope.alloc(100, Float.BYTES);
                assertEquals(400, xs.byteSize());
                MemorySegment s = scope.allocateFrom("hello");
                assertEquals("hello", s.getString(0));
                MemorySegment big = scope.allocate(500_000);
                assertEquals(500_000, big.byteSize());
                assertEquals(2, scope.bufferCount());
                assertThrows(NoSizeClassException.class, () -> scope.alloc(Long.MAX_VALUE / 2, 4));
            }
            assertEquals(6, pool.stats().totalFree());
        }
    }

    @Test
    void tokenApiWithoutHandles() {
        try (BufferPool pool = BufferPool.create(name, small())) {
            long t = pool.tryAcquireToken(4000);
            assertNotEquals(BufferPool.NO_TOKEN, t);
            assertEquals(4000, pool.segment(t).byteSize());
            pool.segment(t).set(ValueLayout.JAVA_INT, 0, 42);
            assertEquals(4000, pool.attachToken(t));        // a second reference
            pool.releaseToken(t);
            assertEquals(42, pool.segment(t).get(ValueLayout.JAVA_INT, 0)); // still held once
            try (Buffer b = pool.attach(t)) {               // handles and tokens mix
                assertEquals(42, b.segment().get(ValueLayout.JAVA_INT, 0));
            }
            pool.releaseToken(t);
            assertThrows(IllegalStateException.class, () -> pool.segment(t));
            assertThrows(IllegalStateException.class, () -> pool.releaseToken(t));
            assertThrows(StaleTokenException.class, () -> pool.attachToken(t));
            assertEquals(6, pool.stats().totalFree());
            long a = pool.tryAcquireToken(1 << 20);
            long b = pool.tryAcquireToken(1 << 20);
            assertEquals(BufferPool.NO_TOKEN, pool.tryAcquireToken(1 << 20));
            pool.releaseToken(a);
            pool.releaseToken(b);
            assertEquals(6, pool.stats().totalFree());
        }
    }
}
