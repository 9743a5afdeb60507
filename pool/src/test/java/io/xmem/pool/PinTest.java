package io.xmem.pool;

import io.xmem.pool.internal.BufferPins;
import io.xmem.pool.internal.PoolAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Pins: references owned by a shared structure (a ring's record) rather than a process. They
 * keep a buffer alive after every process handle is gone, survive the death of the process
 * that pinned, are untouched by reclaim, and end only with an unpin.
 */
class PinTest {
    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(4096, 4).build();
    }

    @Test
    void aPinKeepsTheBufferAfterEveryHandleIsClosed() {
        BufferPool pool = fx.create(config());
        BufferPins shared = PoolAccess.pins(pool);
        long token;
        try (Buffer b = pool.acquire(100)) {
            token = b.token();
            b.segment().set(ValueLayout.JAVA_LONG, 0, 77L);
            assertTrue(shared.pin(token));
        }
        assertEquals(3, pool.stats().totalFree(), "pinned, so not free although no process holds it");
        assertEquals(0, pool.holders(token));
        try (Buffer again = pool.attach(token)) { // a reader attaches to a buffer only a pin keeps
            assertEquals(77L, again.segment().get(ValueLayout.JAVA_LONG, 0));
            assertFalse(shared.unpin(token), "a handle is still open");
        }
        assertEquals(4, pool.stats().totalFree());
        assertThrows(StaleTokenException.class, () -> pool.attach(token));
    }

    @Test
    void unpinOfTheLastReferenceFreesTheBuffer() {
        BufferPool pool = fx.create(config());
        BufferPins shared = PoolAccess.pins(pool);
        long token;
        try (Buffer b = pool.acquire(100)) {
            token = b.token();
            assertTrue(shared.pin(token));
            assertTrue(shared.pin(token));
        }
        assertFalse(shared.unpin(token));
        assertTrue(shared.unpin(token), "the last pin frees it");
        assertEquals(4, pool.stats().totalFree());
        assertThrows(CorruptPoolException.class, () -> shared.unpin(token), "no pin left: the owner is damaged");
    }

    @Test
    void pinsAreBoundedAndNeedAHeldReference() {
        BufferPool pool = fx.create(config());
        BufferPins shared = PoolAccess.pins(pool);
        try (Buffer b = pool.acquire(100)) {
            for (int i = 0; i < 255; i++) {
                assertTrue(shared.pin(b.token()));
            }
            assertFalse(shared.pin(b.token()), "the 256th pin is refused, not wrapped into the generation");
            for (int i = 0; i < 255; i++) {
                shared.unpin(b.token());
            }
            long stale;
            try (Buffer other = pool.acquire(100)) {
                stale = other.token();
            }
            assertThrows(IllegalStateException.class, () -> shared.pin(stale), "pin needs a reference held here");
        }
        assertEquals(4, pool.stats().totalFree());
    }

    @Test
    void aPinOutlivesTheKilledProcessThatMadeItAndReclaimLeavesItAlone() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        long token = ChildJvm.token(child.ok("ACQUIRE 512"));
        String crc = child.ok("FILL " + hex(token) + " 9");
        assertEquals("true", child.ok("PIN " + hex(token)));
        child.kill9();
        assertNotEquals(0, pool.holders(token));
        assertEquals(0, pool.reclaim(), "reclaim frees nothing: the pin keeps the buffer");
        assertEquals(0, pool.holders(token), "but the dead child's holder bit is gone");
        assertEquals(3, pool.stats().totalFree());
        try (Buffer b = pool.attach(token)) {
            assertEquals(512, b.length());
            assertEquals(crc, Long.toHexString(Patterns.crc(b.segment())), "the bytes are intact");
        }
        assertTrue(PoolAccess.pins(pool).unpin(token));
        assertEquals(4, pool.stats().totalFree());
    }
}
