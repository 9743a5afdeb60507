package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.CorruptPoolException;
import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.internal.RecordDescriptor;
import io.xmem.ring.internal.RingHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.xmem.ring.RingCrossProcessStreamTest.publisher;
import static io.xmem.ring.RingCrossProcessStreamTest.subscriber;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Damaged or mismatched files and misuse, seen from another process: each one a clear
 * exception naming the problem, and the process goes on (it answers the next command).
 */
class RingBadInputTest {
    private static final int CAPACITY = 4096;

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private static void assertAlive(RingChildJvm child) {
        assertEquals(Long.toString(child.pid()), child.ok("PING"), "the child JVM survived and still answers");
    }

    private static void assertFails(String answer, Class<?> type, String... fragments) {
        assertTrue(answer.startsWith(type.getSimpleName() + " "), "expected " + type.getSimpleName() + " but got: "
            + answer);
        for (String f : fragments) {
            assertTrue(answer.contains(f), "the message should name '" + f + "': " + answer);
        }
    }

    /** A ring file made, closed and left for another process to open. */
    private String closedRing(String pool) {
        String name = fx.ring();
        try (Ring ring = Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool).build())) {
            assertEquals(CAPACITY, ring.capacity());
        }
        return name;
    }

    @Test
    void aRingWhosePoolWasDeletedAndRecreatedIsRefusedNamingThePool() {
        String pool = fx.pool();
        PoolConfig cfg = PoolConfig.builder().sizeClass(4096, 8).build();
        long oldId;
        try (BufferPool p = BufferPool.create(pool, cfg)) {
            oldId = p.id();
        }
        String name = closedRing(pool);
        BufferPool.delete(pool);
        BufferPool again = fx.track(BufferPool.create(pool, cfg));
        assertNotEquals(oldId, again.id());

        RingChildJvm child = fx.child();
        assertFails(child.err("OPEN " + name), IncompatibleLayoutException.class, "'" + pool + "'");
        assertAlive(child);
    }

    @ParameterizedTest
    @ValueSource(strings = {"version", "previousVersion", "capacity", "fileLength"})
    void aRingWithACorruptHeaderFieldIsRefused(String field) {
        String name = closedRing(null);
        Path file = RingFixture.ringFile(name);
        String expected = switch (field) {
            case "version" -> {
                RingFiles.writeInt(file, RingHeaderDescriptor.VERSION_OFFSET, RingHeaderDescriptor.LAYOUT_VERSION + 7);
                yield "version " + (RingHeaderDescriptor.LAYOUT_VERSION + 7);
            }
            case "previousVersion" -> { // a ring made by the xmem before this one
                RingFiles.writeInt(file, RingHeaderDescriptor.VERSION_OFFSET, RingHeaderDescriptor.LAYOUT_VERSION - 1);
                yield "has layout version " + (RingHeaderDescriptor.LAYOUT_VERSION - 1) + "; this xmem reads version "
                    + RingHeaderDescriptor.LAYOUT_VERSION;
            }
            case "capacity" -> {
                RingFiles.writeLong(file, RingHeaderDescriptor.CAPACITY_OFFSET, CAPACITY + 1000L); // not a power of two
                yield "capacity " + (CAPACITY + 1000);
            }
            case "fileLength" -> {
                long length = RingFiles.readLong(file, RingHeaderDescriptor.FILE_LENGTH_OFFSET);
                RingFiles.writeLong(file, RingHeaderDescriptor.FILE_LENGTH_OFFSET, length + 4096);
                yield Long.toString(length + 4096);
            }
            default -> throw new IllegalArgumentException(field);
        };
        RingChildJvm child = fx.child();
        assertFails(child.err("OPEN " + name), IncompatibleLayoutException.class, expected);
        assertAlive(child);
        assertThrows(IncompatibleLayoutException.class, () -> Ring.open(name), "and in this JVM too");
    }

    @Test
    void aForeignFileNamedLikeARingIsRefused() throws Exception {
        String name = fx.ring();
        Path file = RingFixture.ringFile(name);
        byte[] text = "#!/bin/sh\necho this is not a ring\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
        Files.write(file, text);
        RingChildJvm child = fx.child();
        assertFails(child.err("OPEN " + name), IncompatibleLayoutException.class, "not an xmem ring");
        assertAlive(child);
        assertArrayEquals(text, Files.readAllBytes(file), "the foreign file is left as it was");
    }

    @Test
    void anOverLongInlineMessageIsRefused() {
        String name = fx.ring();
        fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).build()));
        int max = RingConfig.builder().capacity(CAPACITY).build().maxInlineLength();
        subscriber(fx, name);
        RingChildJvm pub = publisher(fx, name);
        assertFails(pub.err("OFFERINLINE " + name + " " + (max + 1)), MessageTooLongException.class,
            Integer.toString(max));
        assertTrue(Long.parseLong(pub.ok("OFFERINLINE " + name + " " + max)) > 0,
            "the longest allowed message is published");
        assertAlive(pub);
    }

    /**
     * A committed record's length field patched (plain file write, quiet ring) to point past the
     * end of the log, or below a header: the subscriber's poll throws CorruptRingException.
     */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, CAPACITY, -32, 8})
    void aRecordLengthOutsideTheLogIsCorruptRing(int badLength) {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).build()));
        RingChildJvm sub = subscriber(fx, name);
        Publication pub = fx.track(ring.publication());
        MemorySegment scratch = MemorySegment.ofArray(new byte[Payloads.MAX_INLINE]);
        long position = ring.tail();
        for (int seq = 0; seq < 3; seq++) {
            int length = Payloads.writeInline(scratch, seq);
            assertTrue(pub.offer(scratch.asSlice(0, length)) > 0);
        }
        long second = position + RecordDescriptor.aligned(RecordDescriptor.HEADER_LENGTH + Payloads.inlineLength(0));
        Path file = RingFixture.ringFile(name);
        RingFiles.writeInt(file, RingFiles.recordOffset(file, second) + RecordDescriptor.LENGTH_OFFSET, badLength);

        // Integer.MAX_VALUE slips past the length check (aligned() overflows) and is caught by the
        // inline-length check instead, so only the record's position is common to the messages.
        assertFails(sub.err("POLL " + name + " 100 0"), CorruptRingException.class, "position " + second);
        assertAlive(sub);
    }

    /** A ring on a pool of 8 buffers, one reference published on it, and a subscriber process. */
    private record OneReference(String name, BufferPool pool, RingChildJvm sub, long position, long freeToken) {
    }

    /** Publishes buffer reference {@code seq} (and acquires and closes a second buffer, left free). */
    private OneReference publishOneReference() {
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(Payloads.REF_SIZE, 8).build()));
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        RingChildJvm sub = subscriber(fx, name);
        Publication pub = fx.track(ring.publication());
        long seq = 9;
        long position = ring.tail();
        try (Buffer published = p.acquire(Payloads.REF_SIZE); Buffer other = p.acquire(Payloads.REF_SIZE)) {
            Payloads.fillBuffer(published.segment(), seq);
            long offset = Payloads.refOffset(seq);
            assertTrue(pub.offer(published, offset, Payloads.REF_SIZE - offset, Payloads.timestamp(seq), seq) > 0);
            return new OneReference(name, p, sub, position, other.token());
        }
    }

    /** A reference record whose token was patched to name a free buffer: segment() says the pool is corrupt. */
    @Test
    void aReferenceToAFreeSlotIsCorruptPool() {
        OneReference r = publishOneReference();
        assertEquals(7, r.pool().stats().totalFree(), "the ring pins the published buffer; the other one is free");
        Path file = RingFixture.ringFile(r.name());
        RingFiles.writeLong(file, RingFiles.recordOffset(file, r.position()) + RecordDescriptor.REF_TOKEN_OFFSET,
            r.freeToken());

        assertFails(r.sub().err("POLL " + r.name() + " 10 10"), CorruptPoolException.class,
            Long.toHexString(r.freeToken()));
        assertAlive(r.sub());
    }

    /** A host reference whose record type was patched to "device reference": the subscriber reports a damaged ring. */
    @Test
    void aDeviceReferenceNamingAHostBufferIsCorruptRing() {
        OneReference r = publishOneReference();
        Path file = RingFixture.ringFile(r.name());
        RingFiles.writeInt(file, RingFiles.recordOffset(file, r.position()) + RecordDescriptor.TYPE_OFFSET,
            RecordDescriptor.TYPE_DEVICE_REFERENCE);

        assertFails(r.sub().err("POLL " + r.name() + " 10 10"), CorruptRingException.class, "host buffer",
            "position " + r.position());
        assertAlive(r.sub());
    }
}
