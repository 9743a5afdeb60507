package io.xmem.stress.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.xmem.bridge.BridgeConfig;
import io.xmem.bridge.Ingress;
import io.xmem.bridge.internal.ChunkDescriptor;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolStats;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an ingress receives from the network, fuzzed: each input is a run of Aeron fragments
 * (flags, the bridge's 48-byte chunk header, data) handed to {@link Ingress#onFragment} as Aeron
 * would hand them, the header's fields picked from what matters to the parser (the magic or not,
 * sequences near the last, message lengths around the inline limit, the pool's buffer sizes and
 * 2^31, offsets that continue the message or not). After each input the ring is drained by a
 * subscriber. Nothing may throw (an ingress counts what it rejects), every delivered message's
 * bytes must be readable, and, once drained, the pool may hold at most the one buffer of a
 * message still being received: none leaks. A hang is caught per input ({@link HangGuard}).
 */
class BridgeChunkFuzzTest {
    private static final int FRAME_HEADER = DataHeaderFlyweight.HEADER_LENGTH;
    private static final long[] LENGTHS = {0, 1, 24, 100, 1000, 1328, 4096, 4097, 65_536, 65_537, Integer.MAX_VALUE,
        1L << 31, -1};
    private static final Bench BENCH = new Bench();

    /** A pool, a ring with a subscriber and an ingress on an embedded Aeron driver, in a directory of their own. */
    private static final class Bench {
        final Path dir;
        final BufferPool pool;
        final Ring ring;
        final Subscription subscription;
        final Ingress ingress;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_HEADER + ChunkDescriptor.HEADER_LENGTH + 2048]);
        final Header header = new Header(0, 0);
        long sequence;

        Bench() {
            try {
                dir = Files.createTempDirectory(PoolConfig.DEFAULT_DIRECTORY, "xmem-fuzz-bridge-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pool = BufferPool.create("pool", PoolConfig.builder().directory(dir).sizeClass(4096, 4)
                .sizeClass(65_536, 2).build());
            ring = Ring.create("ring", RingConfig.builder().directory(dir).pool("pool").capacity(65_536).build());
            subscription = ring.subscription();
            ingress = Ingress.launch(BridgeConfig.builder().ring("ring").directory(dir).channel("aeron:ipc").build());
            header.buffer(frame).offset(0);
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "delete " + dir));
        }

        private void close() {
            ingress.close();
            subscription.close();
            ring.close();
            pool.close();
            Ring.delete("ring", dir);
            BufferPool.delete("pool", dir);
            try {
                Files.deleteIfExists(dir.resolve("ring.bridge-in"));
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // at exit
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void fragmentsFromTheNetwork(FuzzedDataProvider data) {
        fuzz(data);
    }

    /** One input; also a third of {@link ShortFuzzTest}'s. */
    static void fuzz(FuzzedDataProvider data) {
        HangGuard.run("bridge", new byte[0], () -> receive(data)); // the stack says where it hung
    }

    private static void receive(FuzzedDataProvider data) {
        BENCH.frame.setMemory(0, BENCH.frame.capacity(), (byte) 0); // nothing of the last input
        int fragments = data.consumeInt(1, 6);
        for (int i = 0; i < fragments && data.remainingBytes() > 0; i++) {
            int length = fragment(data);
            BENCH.ingress.onFragment(BENCH.frame, FRAME_HEADER, length, BENCH.header);
        }
        while (Expect.xmem(() -> BENCH.subscription.poll(m -> {
            for (long at = 0; at < m.segment().byteSize(); at++) {
                m.segment().get(ValueLayout.JAVA_BYTE, at);
            }
        }, 16)) instanceof Integer n && n > 0) {
            // until the ring is empty
        }
        PoolStats stats = BENCH.pool.stats();
        if (stats.totalFree() < stats.totalBuffers() - 1) {
            throw new AssertionError("after the ring was drained the pool has " + stats + ": a buffer leaked");
        }
    }

    /** Writes one fragment (frame flags, chunk header, data) the input describes; returns the chunk's length. */
    private static int fragment(FuzzedDataProvider data) {
        UnsafeBuffer frame = BENCH.frame;
        frame.putByte(DataHeaderFlyweight.FLAGS_FIELD_OFFSET,
            data.consumeInt(0, 7) == 0 ? data.consumeByte() : (byte) FrameDescriptor.UNFRAGMENTED);
        int at = FRAME_HEADER;
        frame.putInt(at + ChunkDescriptor.CHUNK_MAGIC_OFFSET, data.consumeInt(0, 15) == 0 ? data.consumeInt()
            : ChunkDescriptor.CHUNK_MAGIC, ByteOrder.LITTLE_ENDIAN);
        long sequence = switch (data.consumeInt(0, 3)) {
            case 0 -> BENCH.sequence;          // the same message again
            case 1 -> data.consumeLong();     // anything
            default -> ++BENCH.sequence;      // the next one
        };
        frame.putLong(at + ChunkDescriptor.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        int n = data.consumeInt(0, 2048);
        long total = data.consumeBoolean() ? n : data.pickValue(LENGTHS);
        frame.putLong(at + ChunkDescriptor.TOTAL_LENGTH_OFFSET, total, ByteOrder.LITTLE_ENDIAN);
        long offset = data.consumeBoolean() ? 0 : data.consumeBoolean() ? total - n : data.consumeLong();
        frame.putLong(at + ChunkDescriptor.CHUNK_OFFSET_OFFSET, offset, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + ChunkDescriptor.TIMESTAMP_OFFSET, data.consumeBoolean() ? 0 : data.consumeLong(),
            ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + ChunkDescriptor.TAG_OFFSET, data.consumeBoolean() ? 0 : data.consumeLong(),
            ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = data.consumeBytes(n);
        frame.putBytes(at + ChunkDescriptor.HEADER_LENGTH, bytes);
        return data.consumeInt(0, 31) == 0 ? data.consumeInt(0, ChunkDescriptor.HEADER_LENGTH + 2048)
            : ChunkDescriptor.HEADER_LENGTH + bytes.length;
    }
}
