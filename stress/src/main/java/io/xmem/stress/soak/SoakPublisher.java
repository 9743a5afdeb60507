package io.xmem.stress.soak;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.ring.ConcurrentPublication;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One soak publisher process: {@code SoakPublisher RING ID SECONDS}. Publishes to its ring through
 * a concurrent publication (another process publishes to the same ring), for SECONDS, records
 * numbered 0, 1, 2... of random length: half inline (16 B to 1 KiB), half by reference to a pool
 * buffer (16 B to 64 KiB, the buffer closed at once, so only the ring's pin keeps it). A record
 * refused (back-pressure, or a pool with no free buffer) is offered again, never skipped. Says
 * {@code ready}, then {@code done records=N bytes=B inline=I references=R refused=F}.
 */
public final class SoakPublisher {
    private static final int MAX_INLINE = 1024;
    private static final int MAX_BUFFER = 64 * 1024;

    private SoakPublisher() {
    }

    public static void main(String[] args) {
        ParentWatch.start();
        String ringName = args[0];
        long id = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        SplittableRandom random = new SplittableRandom(id);
        MemorySegment inline = Arena.ofAuto().allocate(MAX_INLINE, 8);
        long records = 0;
        long bytes = 0;
        long references = 0;
        long refused = 0;
        try (Ring ring = Ring.open(ringName); ConcurrentPublication publication = ring.concurrentPublication()) {
            BufferPool pool = ring.pool();
            System.out.println("ready");
            while (System.nanoTime() - deadline < 0) {
                boolean reference = random.nextBoolean();
                int length = SoakPayload.HEADER + random.nextInt((reference ? MAX_BUFFER : MAX_INLINE)
                    - SoakPayload.HEADER + 1);
                long result;
                if (reference) {
                    result = offerReference(pool, publication, id, records, length);
                } else {
                    MemorySegment message = inline.asSlice(0, length);
                    SoakPayload.fill(message, id, records);
                    result = publication.offer(message);
                }
                if (result > 0) {
                    records++;
                    bytes += length;
                    references += reference ? 1 : 0;
                } else {
                    refused++;
                    LockSupport.parkNanos(20_000); // the subscribers need the CPU to make room
                }
            }
        }
        System.out.println("done records=" + records + " bytes=" + bytes + " inline=" + (records - references)
            + " references=" + references + " refused=" + refused);
    }

    /** Publishes record {@code sequence} in a pool buffer; {@link Publication#BACK_PRESSURED} if none is free. */
    private static long offerReference(BufferPool pool, ConcurrentPublication publication, long id, long sequence,
                                       int length) {
        try (Buffer buffer = pool.tryAcquire(length)) {
            if (buffer == null) {
                return Publication.BACK_PRESSURED; // every buffer is pinned by records not yet read
            }
            SoakPayload.fill(buffer.segment(), id, sequence);
            return publication.offer(buffer, 0, length, id, sequence);
        }
    }
}
