package io.xmem.pool;

import io.xmem.pool.internal.PoolHeaderDescriptor;
import io.xmem.pool.internal.SizeClassDescriptor;
import io.xmem.pool.internal.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files that are not usable pools are refused with a clear exception at open; a slot table
 * damaged at run time is refused at attach; the JVM survives both.
 */
class PoolFileValidationTest {
    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(4096, 4).sizeClass(64 * 1024, 2).build();
    }

    /** Creates the pool, leaves it, damages it with {@code damage} and returns the open failure. */
    private IncompatibleLayoutException openAfter(Consumer<PoolFileEditor> damage) {
        BufferPool.create(fx.name(), config()).close();
        damage.accept(PoolFileEditor.of(fx.name()));
        return assertThrows(IncompatibleLayoutException.class, () -> fx.open());
    }

    @Test
    void aFileOfRandomBytesIsNotAPool() throws Exception {
        byte[] junk = new byte[8192];
        new Random(42).nextBytes(junk);
        junk[0] |= 1; // a non-zero magic: not a pool still being written
        Files.write(PoolFixture.poolFile(fx.name()), junk);
        IncompatibleLayoutException e = assertThrows(IncompatibleLayoutException.class, () -> fx.open());
        assertTrue(e.getMessage().contains("not an xmem pool"), e.getMessage());
        assertEquals(8192, Files.size(PoolFixture.poolFile(fx.name())), "a foreign file is left as it was");
    }

    @Test
    void aTruncatedPoolIsRefused() {
        IncompatibleLayoutException e = openAfter(f -> f.truncate(f.size() / 2));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aPoolOfAnotherLayoutVersionIsRefusedNamingTheVersion() {
        int other = PoolHeaderDescriptor.LAYOUT_VERSION + 41;
        IncompatibleLayoutException e = openAfter(f -> f.writeInt(PoolHeaderDescriptor.VERSION_OFFSET, other));
        assertTrue(e.getMessage().contains("version " + other), e.getMessage());
        assertTrue(e.getMessage().contains("version " + PoolHeaderDescriptor.LAYOUT_VERSION), e.getMessage());
    }

    @Test
    void aDamagedSlotCountIsRefused() {
        IncompatibleLayoutException e = openAfter(f -> f.writeInt(PoolHeaderDescriptor.SLOT_COUNT_OFFSET, 1 << 20));
        assertTrue(e.getMessage().contains("slot count"), e.getMessage());
    }

    @Test
    void aDamagedSizeClassDataOffsetIsRefused() {
        IncompatibleLayoutException e = openAfter(f -> {
            long at = f.sizeClassEntry(1) + SizeClassDescriptor.DATA_OFFSET_OFFSET;
            f.writeLong(at, f.readLong(at) + 64);
        });
        assertTrue(e.getMessage().contains("size class 1 data offset"), e.getMessage());
    }

    @ParameterizedTest(name = "header field at {0}")
    @ValueSource(ints = {PoolHeaderDescriptor.HEADER_LENGTH_OFFSET, PoolHeaderDescriptor.STATE_OFFSET,
        PoolHeaderDescriptor.FLAGS_OFFSET, PoolHeaderDescriptor.FILE_LENGTH_OFFSET,
            PoolHeaderDescriptor.ALIGNMENT_OFFSET,
        PoolHeaderDescriptor.MAX_PARTICIPANTS_OFFSET, PoolHeaderDescriptor.SIZE_CLASS_COUNT_OFFSET,
        PoolHeaderDescriptor.PARTICIPANT_TABLE_OFFSET_OFFSET, PoolHeaderDescriptor.SIZE_CLASS_TABLE_OFFSET_OFFSET,
        PoolHeaderDescriptor.SLOT_TABLE_OFFSET_OFFSET, PoolHeaderDescriptor.DATA_OFFSET_OFFSET,
        PoolHeaderDescriptor.DATA_LENGTH_OFFSET})
    void anyDamagedHeaderFieldIsRefused(int offset) {
        IncompatibleLayoutException e = openAfter(f -> f.writeInt(offset, f.readInt(offset) ^ 0x0300_0007));
        assertTrue(e.getMessage().contains("delete"), "the message says what to do: " + e.getMessage());
    }

    @Test
    void damagedSizeClassesAreRefused() {
        // A buffer size that makes the regions overflow 64 bits.
        openAfter(f -> f.writeLong(f.sizeClassEntry(1) + SizeClassDescriptor.BUFFER_SIZE_OFFSET, Long.MAX_VALUE / 3));
        BufferPool.delete(fx.name());
        // Classes out of order.
        openAfter(f -> f.writeLong(f.sizeClassEntry(1) + SizeClassDescriptor.BUFFER_SIZE_OFFSET, 16));
        BufferPool.delete(fx.name());
        // A negative count.
        openAfter(f -> f.writeInt(f.sizeClassEntry(0) + SizeClassDescriptor.COUNT_OFFSET, -4));
    }

    @Test
    void aMissingPoolIsNotFound() {
        PoolNotFoundException e = assertThrows(PoolNotFoundException.class, () -> fx.open());
        assertTrue(e.getMessage().contains(fx.name()), e.getMessage());
        assertTrue(Files.notExists(PoolFixture.lockFile(fx.name())), "a failed open creates no lock file");
    }

    @Test
    void aPoolThatNeverBecomesReadyTimesOut() throws Exception {
        Path file = PoolFixture.poolFile(fx.name());
        BufferPool.create(fx.name(), config()).close();
        long size = Files.size(file);
        Files.delete(file);
        Files.write(file, new byte[(int) size]); // right size, all zero: a creator that died before writing
        IncompatibleLayoutException e = assertThrows(IncompatibleLayoutException.class, () -> fx.open());
        assertTrue(e.getMessage().contains("not READY"), e.getMessage());
    }

    /** The bytes of a real, closed pool of {@link #config()}, its state word set back to INITIALISING. */
    private byte[] imageOfAPoolBeingCreated() throws Exception {
        String source = fx.newName();
        BufferPool.create(source, config()).close();
        byte[] image = Files.readAllBytes(PoolFixture.poolFile(source));
        BufferPool.delete(source);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(PoolHeaderDescriptor.STATE_OFFSET, PoolHeaderDescriptor.STATE_INITIALISING);
        return image;
    }

    /**
     * A child opens while "the creator" (this test, writing the file by hand in the creator's
     * order) has written only a prefix of the header; it must wait for READY and then open.
     */
    private void openerWaitsFor(String prefix, int prefixBytes) throws Exception {
        byte[] image = imageOfAPoolBeingCreated();
        byte[] partial = new byte[image.length];
        System.arraycopy(image, 0, partial, 0, Math.min(prefixBytes, image.length));
        Files.write(PoolFixture.poolFile(fx.name()), partial);
        ChildJvm child = fx.child();
        CompletableFuture<String> opened =
            CompletableFuture.supplyAsync(() -> child.call("OPEN " + fx.name()));
        Thread.sleep(300); // let the child reach its wait; if it is slower, the test only proves less
        assertTrue(!opened.isDone() || opened.get().startsWith("OK"),
            "with " + prefix + " written the opener must wait for READY, but it answered: " + opened.getNow(""));

        PoolFileEditor editor = PoolFileEditor.of(fx.name());
        editor.writeBytes(0, image, 0, image.length); // everything, the state still INITIALISING
        editor.writeInt(PoolHeaderDescriptor.STATE_OFFSET, PoolHeaderDescriptor.STATE_READY); // last
        String answer = opened.get(ChildJvm.ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(answer.startsWith("OK"), "with " + prefix + " written first, the open must succeed once READY: "
            + answer);
        try (BufferPool pool = fx.open(); Buffer b = pool.acquire(10)) {
            assertEquals("10", child.ok("ATTACH " + hex(b.token())), "both processes use the finished pool");
            child.ok("CLOSE " + hex(b.token()));
        }
    }

    @Test
    void anOpenerWaitsWhileOnlyTheStateIsMissing() throws Exception {
        openerWaitsFor("every field but the state", Integer.MAX_VALUE);
    }

    @Test
    void anOpenerWaitsWhileOnlyTheMagicIsWritten() throws Exception {
        // PoolLayout.writeTo stores the magic first and the version next: a creator preempted
        // between the two stores shows an opener exactly this.
        openerWaitsFor("only the magic", Long.BYTES);
    }

    @Test
    void aSlotLengthDamagedAtRunTimeIsRefusedAtAttach() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        Buffer b = pool.acquire(1000);
        String token = hex(b.token());
        PoolFileEditor editor = PoolFileEditor.of(fx.name());
        long lengthAt = editor.slotLengthOffset(b.token());
        assertEquals(1000, editor.readLong(lengthAt), "the editor finds the slot's length field");

        for (long bad : new long[] {4097, Long.MAX_VALUE, -1}) {
            editor.writeLong(lengthAt, bad);
            assertEquals("CorruptPoolException", child.errType("ATTACH " + token), "length " + bad);
            assertEquals(1L << pool.participantIndex(), pool.holders(b.token()),
                "a refused attach leaves no bit of the child behind");
            CorruptPoolException here = assertThrows(CorruptPoolException.class, () -> pool.attach(b.token()));
            assertTrue(here.getMessage().contains(Long.toString(bad)), here.getMessage());
        }
        assertTrue(child.call("PING").startsWith("OK"), "the child's JVM survived");

        editor.writeLong(lengthAt, 1000);
        assertEquals("1000", child.ok("ATTACH " + token), "repaired, the buffer attaches again");
        child.ok("CLOSE " + token);
        b.close();
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }

    @Test
    void aDamagedAllocationCursorIsOnlyAHint() {
        BufferPool pool = fx.create(config());
        PoolFileEditor editor = PoolFileEditor.of(fx.name());
        for (long cursor : new long[] {-1, 4, Long.MAX_VALUE, 1L << 40}) {
            editor.writeLong(editor.sizeClassEntry(0) + SizeClassDescriptor.CURSOR_OFFSET, cursor);
            Buffer[] all = new Buffer[4];
            for (int i = 0; i < all.length; i++) {
                all[i] = pool.acquire(100);
                assertTrue(SlotDescriptor.tokenSlot(all[i].token()) < 4, "a slot of class 0");
            }
            for (Buffer b : all) {
                b.close();
            }
        }
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }
}
