package io.xmem.bridge;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.xmem.bridge.internal.ChunkDescriptor;
import io.xmem.ring.Subscription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What arrives from the network is untrusted: an ingress fed by a raw Aeron publisher (not an
 * egress) with garbage, lying headers and oversized messages counts them as malformed or dropped,
 * writes nothing out of bounds, and still delivers the one good message after them.
 */
class IngressUntrustedInputTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private static UnsafeBuffer chunk(int magic, long sequence, long total, long offset, int dataLength) {
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkDescriptor.HEADER_LENGTH + dataLength));
        b.putInt(ChunkDescriptor.CHUNK_MAGIC_OFFSET, magic, ByteOrder.LITTLE_ENDIAN);
        b.putLong(ChunkDescriptor.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        b.putLong(ChunkDescriptor.TOTAL_LENGTH_OFFSET, total, ByteOrder.LITTLE_ENDIAN);
        b.putLong(ChunkDescriptor.CHUNK_OFFSET_OFFSET, offset, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dataLength; i++) {
            b.putByte(ChunkDescriptor.HEADER_LENGTH + i, (byte) (i + 1));
        }
        return b;
    }

    /** One batch entry: a payload of {@code length} bytes valued 1, 2, 3...; user header when ts or tag is set. */
    private record Entry(int length, long timestamp, long tag, int flags) {
        static Entry of(int length) {
            return new Entry(length, 0, 0, 0);
        }

        static Entry withHeader(int length, long timestamp, long tag) {
            return new Entry(length, timestamp, tag, ChunkDescriptor.ENTRY_FLAG_USER_HEADER);
        }
    }

    /** A batch frame numbered from {@code sequence} claiming {@code count} entries (the truth or a lie). */
    private static UnsafeBuffer batch(long sequence, long count, Entry... entries) {
        int body = 0;
        for (Entry e : entries) {
            body += (int) ChunkDescriptor.entryLength(e.length(), e.flags() != 0);
        }
        UnsafeBuffer b = chunk(ChunkDescriptor.CHUNK_MAGIC, sequence, body, 0, body);
        b.putInt(ChunkDescriptor.FLAGS_OFFSET, ChunkDescriptor.FLAG_BATCH, ByteOrder.LITTLE_ENDIAN);
        b.putLong(ChunkDescriptor.TAG_OFFSET, count, ByteOrder.LITTLE_ENDIAN);
        int at = ChunkDescriptor.HEADER_LENGTH;
        for (Entry e : entries) {
            b.putInt(at + ChunkDescriptor.ENTRY_LENGTH_OFFSET, e.length(), ByteOrder.LITTLE_ENDIAN);
            b.putInt(at + ChunkDescriptor.ENTRY_FLAGS_OFFSET, e.flags(), ByteOrder.LITTLE_ENDIAN);
            int data = at + ChunkDescriptor.ENTRY_HEADER_LENGTH;
            if (e.flags() != 0) {
                b.putLong(at + ChunkDescriptor.ENTRY_TIMESTAMP_OFFSET, e.timestamp(), ByteOrder.LITTLE_ENDIAN);
                b.putLong(at + ChunkDescriptor.ENTRY_TAG_OFFSET, e.tag(), ByteOrder.LITTLE_ENDIAN);
                data += ChunkDescriptor.ENTRY_USER_HEADER_LENGTH;
            }
            for (int i = 0; i < e.length(); i++) {
                b.putByte(data + i, (byte) (i + 1));
            }
            at += (int) ChunkDescriptor.entryLength(e.length(), e.flags() != 0);
        }
        return b;
    }

    private Ingress ingress;

    /**
     * An ingress on {@code aeron:ipc} with its embedded driver, fed {@code messages} by a raw Aeron
     * publication on that driver; returns the payloads its ring received, once one has.
     */
    private List<byte[]> feed(IntFunction<List<UnsafeBuffer>> messages) throws Exception {
        return feed(messages, 1, new ArrayList<>());
    }

    /** As above, until {@code expected} payloads arrived; their timestamp and tag go to {@code headers}. */
    private List<byte[]> feed(IntFunction<List<UnsafeBuffer>> messages, int expected,
                              List<Long> headers) throws Exception {
        BridgeFixture.Host b = fx.host("b");
        Subscription sub = fx.track(b.ring().subscription());
        ingress = fx.track(Ingress.launch(BridgeConfig.builder().ring(b.ringName()).directory(b.directory())
            .channel("aeron:ipc").build()));
        Aeron aeron = fx.track(Aeron.connect(new Aeron.Context().aeronDirectoryName(ingress.aeronDirectory())));
        Publication raw = fx.track(aeron.addExclusivePublication("aeron:ipc", BridgeConfig.DEFAULT_STREAM_ID));
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (UnsafeBuffer m : messages.apply(raw.maxPayloadLength())) {
            while (raw.offer(m, 0, m.capacity()) < 0) {
                assertTrue(System.nanoTime() < deadline, "the raw publication never connected");
                ingress.doWork();
            }
        }
        List<byte[]> received = new ArrayList<>();
        while (received.size() < expected && System.nanoTime() < deadline) {
            ingress.doWork();
            sub.poll(msg -> {
                received.add(msg.segment().toArray(ValueLayout.JAVA_BYTE));
                headers.add(msg.timestamp());
                headers.add(msg.tag());
            }, 10);
        }
        return received;
    }

    @Test
    void malformedChunksAreCountedAndSkippedAndAGoodOneStillArrives() throws Exception {
        int magic = ChunkDescriptor.CHUNK_MAGIC;
        List<UnsafeBuffer> sent = new ArrayList<>();
        List<byte[]> received = feed(maxPayload -> {
            sent.addAll(List.of(
                new UnsafeBuffer(new byte[10]),                                  // shorter than a header
                chunk(0x12345678, 0, 8, 0, 8),                                   // not the bridge's magic
                chunk(magic, 0, 8, 4, 8),                                        // chunk past the message's end
                chunk(magic, 0, 1L << 40, 0, 8),                                 // total beyond 2^31 - 1
                chunk(magic, -5, 8, 0, 8),                                       // negative sequence
                chunk(magic, 0, 8, 0, 0),                                        // no data for a non-empty message
                chunk(magic, 0, 8, 0, maxPayload),                               // one message in two Aeron fragments
                chunk(magic, 1, 64L * 1024 * 1024, 0, 8),                        // larger than any buffer of the pool
                chunk(magic, 2, 8, 0, 8)));                                      // good
            return sent;
        });
        assertEquals(1, received.size(), "only the good message reaches the ring");
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6, (byte) 7, (byte) 8),
            toList(received.getFirst()));
        BridgeStats s = ingress.stats();
        assertEquals(8, s.malformed(), "seven bad chunks, the two-fragment one counted once per fragment");
        assertEquals(1, s.drops());
        assertEquals(1, s.messages());
        assertEquals(2, s.lastSequence());
        assertEquals(0, s.lost());
    }

    @Test
    void aSmallMessageInSeveralChunksArrivesWholeNotJustItsFirstChunk() throws Exception {
        // As an egress on a small MTU sends 2,000 bytes: two chunks, though the message would fit inline.
        List<byte[]> received = feed(maxPayload -> List.of(chunk(ChunkDescriptor.CHUNK_MAGIC, 0, 2000, 0, 1000),
            chunk(ChunkDescriptor.CHUNK_MAGIC, 0, 2000, 1000, 1000)));
        assertEquals(1, received.size());
        byte[] got = received.getFirst();
        assertEquals(2000, got.length);
        for (int i = 0; i < 2000; i++) {
            assertEquals((byte) (i % 1000 + 1), got[i], "byte " + i);
        }
        assertEquals(0, ingress.stats().malformed());
    }

    @Test
    void aLaterChunkThatClaimsALongerMessageIsRejectedNotWrittenPastTheBuffer() throws Exception {
        // Found by stress/fuzz (BridgeChunkFuzzTest): each chunk was checked against its own total
        // length only, so the second chunk (offset 2 + 429 bytes ≤ its 1,000) went into the
        // 100-byte buffer the first chunk had sized: IndexOutOfBoundsException out of the poll,
        // and without Agrona's bounds checks a write into the next buffer of the pool.
        int magic = ChunkDescriptor.CHUNK_MAGIC;
        List<byte[]> received = feed(maxPayload -> List.of(
            chunk(magic, 0, 100, 0, 2),                                          // message 0: 100 bytes
            chunk(magic, 0, 1000, 2, 429),                                       // its next chunk says 1,000
            chunk(magic, 1, 8, 0, 8)));                                          // good
        assertEquals(1, received.size(), "only the good message reaches the ring");
        assertEquals(8, received.getFirst().length);
        assertEquals(1, ingress.stats().malformed(), "the lying chunk is counted as malformed");
    }

    @Test
    void aBatchDeliversEachEntryInOrderInlineOrByReferenceWithItsHeader() throws Exception {
        List<Long> headers = new ArrayList<>();
        List<byte[]> received = feed(maxPayload -> List.of(batch(0, 3, Entry.of(5), Entry.withHeader(12, 77, 88),
            Entry.of(0))), 3, headers);
        assertEquals(List.of(5, 12, 0), received.stream().map(b -> b.length).toList());
        assertEquals(List.of(0L, 0L, 77L, 88L, 0L, 0L), headers, "the middle entry kept its timestamp and tag");
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5), toList(received.getFirst()));
        BridgeStats s = ingress.stats();
        assertEquals(3, s.messages());
        assertEquals(1, s.fragments(), "one frame");
        assertEquals(2, s.lastSequence());
    }

    @Test
    void aBatchThatLiesIsMalformedWholeAndNothingOfItIsDelivered() throws Exception {
        List<byte[]> received = feed(maxPayload -> {
            UnsafeBuffer strayFlag = batch(3, 1, Entry.of(8));
            strayFlag.putInt(ChunkDescriptor.HEADER_LENGTH + ChunkDescriptor.ENTRY_FLAGS_OFFSET, 0x40,
                ByteOrder.LITTLE_ENDIAN);
            UnsafeBuffer tooLong = batch(4, 1, Entry.of(8));
            tooLong.putInt(ChunkDescriptor.HEADER_LENGTH + ChunkDescriptor.ENTRY_LENGTH_OFFSET, 9_999,
                ByteOrder.LITTLE_ENDIAN);
            return List.of(
                batch(0, 3, Entry.of(8), Entry.of(8)),                           // says three, holds two
                batch(1, 1, Entry.of(8), Entry.of(8)),                           // says one, holds two
                batch(2, 0),                                                     // empty
                strayFlag,                                                       // an entry flag nobody knows
                tooLong,                                                         // an entry past the frame's end
                chunk(ChunkDescriptor.CHUNK_MAGIC, 5, 8, 0, 8));                 // good
        });
        assertEquals(1, received.size(), "only the good message reaches the ring");
        BridgeStats s = ingress.stats();
        assertEquals(5, s.malformed());
        assertEquals(1, s.messages());
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte x : bytes) {
            list.add(x);
        }
        return list;
    }
}
