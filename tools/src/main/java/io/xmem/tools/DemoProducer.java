package io.xmem.tools;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo's producer process: the ring's one publisher. For each buffer: acquire it from the
 * ring's pool, fill it, and offer it by reference with its CRC32C and sequence number in the
 * record; then close our handle at once (the ring's pin keeps the buffer until both subscribers
 * have passed the record). After every frame it offers a small inline message, and at the end
 * an inline end-of-stream message. Its stdout, read by {@link DemoCommand}, is one line:
 * {@code done RECORDS REFERENCES INLINE BYTES NANOS BACK_PRESSURED}.
 *
 * <p>Started by {@link DemoCommand} once both subscribers are in: {@code DemoProducer RING DIR
 * BUFFERS FRAME_SIZE}.
 */
final class DemoProducer {
    /**
     * The pool refills as the subscribers pass records; waiting longer than this for a free
     * buffer means a subscriber is stuck: say so.
     */
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(30);
    private static final long OFFER_TIMEOUT_NANOS = ACQUIRE_TIMEOUT.toNanos();

    private final BufferPool pool;
    private final Publication publication;
    private final MemorySegment inline;
    private long sequence;
    private long references;
    private long inlineCount;
    private long bytes;
    private long backPressured;

    private DemoProducer(BufferPool pool, Publication publication, Arena arena) {
        this.pool = pool;
        this.publication = publication;
        this.inline = arena.allocate(DemoPayload.INLINE_HEADER_LENGTH + DemoPayload.INLINE_MAX_BODY, 8);
    }

    public static void main(String[] args) {
        try {
            String name = args[0];
            Path dir = Path.of(args[1]);
            long buffers = Long.parseLong(args[2]);
            long frameSize = Long.parseLong(args[3]);
            try (Ring ring = Ring.open(name, dir);
                 Publication publication = ring.publication();
                 Arena arena = Arena.ofConfined()) {
                new DemoProducer(ring.pool(), publication, arena).run(buffers, frameSize);
            }
            System.exit(0);
        } catch (Exception e) {
            System.err.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run(long buffers, long frameSize) {
        long start = System.nanoTime();
        for (long i = 0; i < buffers; i++) {
            long length = DemoPayload.length(i, frameSize);
            long seq = sequence++;
            try (Buffer buffer = pool.acquire(length, ACQUIRE_TIMEOUT)) {
                DemoPayload.fill(buffer.segment(), seq);
                int crc = DemoPayload.checksum(buffer.segment());
                offer(seq, () -> publication.offer(buffer, 0, length, Integer.toUnsignedLong(crc), seq));
            } // our handle goes; the ring's pin keeps the buffer for the subscribers
            references++;
            bytes += length;
            if (DemoPayload.isFrame(i)) {
                offerInline(DemoPayload.inlineBodyLength(sequence), DemoPayload.KIND_DATA);
                inlineCount++;
            }
        }
        offerInline(0, DemoPayload.KIND_END);
        long nanos = System.nanoTime() - start;
        System.out.println("done " + sequence + " " + references + " " + inlineCount + " " + bytes + " " + nanos
            + " " + backPressured);
    }

    private void offerInline(int bodyLength, int kind) {
        long seq = kind == DemoPayload.KIND_END ? sequence : sequence++;
        MemorySegment message = inline.asSlice(0, DemoPayload.INLINE_HEADER_LENGTH + bodyLength);
        DemoPayload.fillInline(message, seq, kind);
        offer(seq, () -> publication.offer(message));
    }

    /** Offers until the ring takes the record: a full ring waits for the slower subscriber. */
    private void offer(long seq, Offer offer) {
        long deadline = 0;
        for (int attempt = 0; ; attempt++) {
            long result = offer.offer();
            if (result >= 0) {
                return;
            }
            if (result != Publication.BACK_PRESSURED) {
                throw new XmemException("offer of record #" + seq + " failed with "
                    + (result == Publication.NOT_CONNECTED ? "NOT_CONNECTED: a subscriber has gone" : "code " + result));
            }
            if (attempt == 0) {
                backPressured++;
                deadline = System.nanoTime() + OFFER_TIMEOUT_NANOS;
            } else if (System.nanoTime() - deadline > 0) {
                throw new XmemException("record #" + seq + " back-pressured for " + ACQUIRE_TIMEOUT.toSeconds()
                    + " s: a subscriber is stuck");
            }
            if (attempt < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    @FunctionalInterface
    private interface Offer {
        long offer();
    }
}
