package io.xmem.tools;

import io.xmem.pool.XmemException;
import io.xmem.ring.Message;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One of the demo's two subscriber processes. Subscribes to the ring, says {@code ready}, then
 * reads every record in place: for a buffer reference it recomputes the CRC32C over the pool
 * buffer the record names and compares it with the one the producer put in the record's
 * timestamp; for an inline message, the CRC32C of its body with the one in its header. It checks
 * that the demo's sequence numbers come without a gap, and between records it sleeps in
 * {@link Subscription#await} (a futex wait, 0 % CPU) rather than spinning.
 *
 * <p>Its stdout is read by {@link DemoCommand}: {@code ready}, then {@code progress RECORDS
 * BYTES} a few times a second, {@code bad SEQ WHY} for the first few problems, and finally
 * {@code done RECORDS REFERENCES INLINE BYTES VERIFIED MISMATCHES LOST NANOS}.
 *
 * <p>Started by {@link DemoCommand}: {@code DemoSubscriber RING DIR}.
 */
final class DemoSubscriber {
    private static final long PROGRESS_NANOS = 200_000_000L;
    private static final int MAX_REPORTED_PROBLEMS = 10;
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);

    private long next; // the demo's sequence number due next
    private long records;
    private long references;
    private long inline;
    private long bytes;
    private long verified;
    private long mismatches;
    private long gaps;
    private long problems;
    private long start;
    private long end;
    private boolean ended;

    public static void main(String[] args) {
        try (Ring ring = Ring.open(args[0], Path.of(args[1]));
             Subscription subscription = ring.subscription()) {
            System.out.println("ready"); // the demo starts the producer once both subscribers said so
            System.out.flush();
            new DemoSubscriber().run(subscription);
            System.exit(0);
        } catch (Exception e) {
            System.err.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run(Subscription subscription) {
        long lastReport = System.nanoTime();
        long reported = 0;
        while (!ended) {
            if (subscription.poll(this::onMessage, 64) == 0) {
                subscription.await(IDLE_WAIT);
            }
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_NANOS && records != reported) {
                System.out.println("progress " + records + " " + bytes);
                System.out.flush();
                lastReport = now;
                reported = records;
            }
        }
        long lost = gaps + subscription.lostRecords();
        System.out.println("done " + records + " " + references + " " + inline + " " + bytes + " " + verified + " "
            + mismatches + " " + lost + " " + (end - start));
        System.out.flush();
    }

    private void onMessage(Message message) {
        if (start == 0) {
            start = System.nanoTime();
        }
        try {
            if (message.isInline()) {
                onInline(message.segment());
            } else {
                onReference(message);
            }
        } catch (XmemException e) { // e.g. a record naming a buffer that is no longer pinned
            records++;
            bad(next, e.getMessage());
        }
    }

    private void onReference(Message message) {
        long seq = message.tag();
        records++;
        references++;
        boolean inOrder = sequenced(seq);
        MemorySegment payload = message.segment(); // the pool buffer, in place: nothing is copied
        int actual = DemoPayload.checksum(payload);
        int expected = (int) message.timestamp();
        bytes += payload.byteSize();
        if (actual != expected) {
            bad(seq, "buffer 0x" + Long.toHexString(message.token()) + " of " + payload.byteSize() + " bytes has CRC32C "
                + Integer.toHexString(actual) + ", the producer sent " + Integer.toHexString(expected));
        } else if (inOrder) {
            verified++;
        }
    }

    private void onInline(MemorySegment message) {
        if (message.byteSize() < DemoPayload.INLINE_HEADER_LENGTH) {
            records++;
            bad(next, "inline message of " + message.byteSize() + " bytes, shorter than its header");
            return;
        }
        long seq = message.get(ValueLayout.JAVA_LONG_UNALIGNED, DemoPayload.INLINE_SEQUENCE_OFFSET);
        int expected = message.get(ValueLayout.JAVA_INT_UNALIGNED, DemoPayload.INLINE_CRC_OFFSET);
        int kind = message.get(ValueLayout.JAVA_INT_UNALIGNED, DemoPayload.INLINE_KIND_OFFSET);
        if (kind == DemoPayload.KIND_END) {
            if (seq > next) {
                gaps += seq - next; // the last records before the end never came
            }
            end = System.nanoTime();
            ended = true;
            return;
        }
        records++;
        inline++;
        boolean inOrder = sequenced(seq);
        int actual = DemoPayload.checksum(message.asSlice(DemoPayload.INLINE_HEADER_LENGTH));
        if (kind != DemoPayload.KIND_DATA) {
            bad(seq, "inline message of unknown kind " + kind);
        } else if (actual != expected) {
            bad(seq, "inline message has CRC32C " + Integer.toHexString(actual) + ", the producer sent "
                + Integer.toHexString(expected));
        } else if (inOrder) {
            verified++;
        }
    }

    /** Whether {@code seq} is the one due; a gap counts as lost records, a step back as a mismatch. */
    private boolean sequenced(long seq) {
        if (seq == next) {
            next++;
            return true;
        }
        if (seq > next) {
            gaps += seq - next;
            report(seq, "records #" + next + ".." + (seq - 1) + " never arrived");
            next = seq + 1;
            return true; // counted as lost; this record itself is fine
        }
        bad(seq, "arrived after #" + (next - 1) + ": duplicated or out of order");
        return false;
    }

    private void bad(long seq, String why) {
        mismatches++;
        report(seq, why);
    }

    private void report(long seq, String why) {
        if (++problems <= MAX_REPORTED_PROBLEMS) {
            System.out.println("bad " + seq + " " + why);
        }
    }
}
