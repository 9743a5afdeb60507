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

    private Ingress ingress;

    /**
     * An ingress on {@code aeron:ipc} with its embedded driver, fed {@code messages} by a raw Aeron
     * publication on that driver; returns the payloads its ring received, once one has.
     */
    private List<byte[]> feed(IntFunction<List<UnsafeBuffer>> messages) throws Exception {
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
        while (received.isEmpty() && System.nanoTime() < deadline) {
            ingress.doWork();
            sub.poll(msg -> received.add(msg.segment().toArray(ValueLayout.JAVA_BYTE)), 10);
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

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte x : bytes) {
            list.add(x);
        }
        return list;
    }
}
