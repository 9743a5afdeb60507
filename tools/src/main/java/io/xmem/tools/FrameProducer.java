package io.xmem.tools;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The producer of a frame stream ({@link FrameRun}): the ring's one publisher. For each record of
 * its {@link FramePayload}: a buffer is acquired from the ring's pool, filled, offered by
 * reference (sequence number in the tag) and our handle closed at once, the ring's pin keeping the
 * buffer until every subscriber has passed it; an inline message is offered as it is. At the end
 * an {@link EndOfStream} record. Stops after {@code --buffers} references or {@code --seconds},
 * whichever comes first; {@code --fps} paces the references.
 *
 * <p>Its stdout, for the parent: {@code progress published=REFERENCES bytes=BYTES} once a second,
 * then {@code done records=.. references=.. inline=.. bytes=.. nanos=.. backPressured=..}.
 */
@Command(name = "frame-producer", hidden = true, mixinStandardHelpOptions = true,
    description = "Publishes a frame stream by reference: the producer of xmem demo and examples/run video.")
public final class FrameProducer implements Callable<Integer> {
    /**
     * The pool refills as the subscribers pass records; waiting longer than this for a free
     * buffer, or for room in the ring, means a subscriber is stuck: say so.
     */
    private static final Duration STUCK = Duration.ofSeconds(30);
    private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--payload", defaultValue = DemoPayload.KIND) String payloadKind;
    @Option(names = "--frame-size", defaultValue = "8388608") long frameSize;
    @Option(names = "--buffers", defaultValue = "0", description = "Stop after this many references (0: no limit).")
    long buffers;
    @Option(names = "--seconds", defaultValue = "0", description = "Stop after this long (0: no limit).")
    double seconds;
    @Option(names = "--fps", defaultValue = "0", description = "References per second (0: as fast as taken).")
    double fps;

    private FramePayload payload;
    private BufferPool pool;
    private Publication publication;
    private long references;
    private long inline;
    private long bytes;
    private long backPressured;
    /** Where inline messages are written before they are offered: grown to the longest so far. */
    private MemorySegment scratch = MemorySegment.NULL;

    public static void main(String[] args) {
        ChildMain.run(new FrameProducer(), args);
    }

    @Override
    public Integer call() {
        payload = FramePayload.of(payloadKind, frameSize);
        try (Ring ring = Ring.open(ringName, dir);
             Publication pub = ring.publication();
             Arena arena = Arena.ofConfined()) {
            pool = ring.pool();
            publication = pub;
            publish(arena);
        }
        return XmemCli.OK;
    }

    private void publish(Arena arena) {
        long start = System.nanoTime();
        long end = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
        long limit = buffers > 0 ? buffers : Long.MAX_VALUE;
        long nextReport = start + REPORT_NANOS;
        long seq = 0;
        for (; ; seq++) {
            if (payload.isInline(seq)) {
                publishInline(seq, arena);
                continue;
            }
            if (references == limit || System.nanoTime() - end >= 0) {
                break;
            }
            pace(start);
            publishReference(seq);
            long now = System.nanoTime();
            if (now - nextReport >= 0) {
                System.out.println("progress published=" + references + " bytes=" + bytes);
                nextReport += REPORT_NANOS;
            }
        }
        long nanos = System.nanoTime() - start;
        long records = seq;
        offer(records, () -> publication.offer(EndOfStream.of(records)));
        System.out.println("done records=" + records + " references=" + references + " inline=" + inline + " bytes="
            + bytes + " nanos=" + nanos + " backPressured=" + backPressured);
    }

    private void publishReference(long seq) {
        long length = payload.length(seq);
        try (Buffer buffer = pool.acquire(length, STUCK)) {
            long stamp = payload.fill(buffer.segment(), seq);
            offer(seq, () -> publication.offer(buffer, 0, length, stamp, seq));
        } // our handle goes; the ring's pin keeps the buffer for the subscribers
        references++;
        bytes += length;
    }

    private void publishInline(long seq, Arena arena) {
        long length = payload.length(seq);
        if (scratch.byteSize() < length) {
            scratch = arena.allocate(length, Long.BYTES);
        }
        MemorySegment message = scratch.asSlice(0, length);
        payload.fill(message, seq);
        offer(seq, () -> publication.offer(message));
        inline++;
    }

    /** With {@code --fps}: sleeps until the next reference is due. */
    private void pace(long start) {
        if (fps > 0) {
            long due = start + (long) (references * 1e9 / fps);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Offers until the ring takes the record: a full ring waits for the slowest subscriber. */
    private void offer(long seq, LongSupplier offer) {
        long deadline = 0;
        for (int attempt = 0; ; attempt++) {
            long result = offer.getAsLong();
            if (result >= 0) {
                return;
            }
            if (result != Publication.BACK_PRESSURED) {
                String why = result == Publication.NOT_CONNECTED ? "NOT_CONNECTED: a subscriber has gone"
                    : "code " + result;
                throw new XmemException("offer of record #" + seq + " failed with " + why);
            }
            if (attempt == 0) {
                backPressured++;
                deadline = System.nanoTime() + STUCK.toNanos();
            } else if (System.nanoTime() - deadline > 0) {
                throw new XmemException("record #" + seq + " back-pressured for " + STUCK.toSeconds()
                    + " s: a subscriber is stuck");
            }
            if (attempt < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
