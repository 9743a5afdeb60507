package io.xmem.ring;

import io.xmem.ring.internal.RecordDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A subscriber waiting at position {@code p} reads the commit word at {@code p}'s place in the
 * log. On an earlier lap that place may have been the middle of a longer record, so it holds
 * that record's payload, not a commit word; the payload of an ordinary inline message must
 * never be taken for a record.
 */
class RingRecordBoundaryTest {
    private static final int CAPACITY = 4096;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void payloadBytesOfAnEarlierLapAreNeverDeliveredAsARecord() {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).build()));
        Publication pub = fx.track(ring.publication());
        Subscription sub = fx.track(ring.subscription());
        List<Long> seen = new ArrayList<>();
        MessageHandler handler = m -> seen.add(m.segment().get(LONG, 0));

        // Record 0 at position 0: 48 payload bytes. Its bytes 32..47 of the record (payload 16..31)
        // happen to look like the header of a record at position CAPACITY + 32: a user's data may
        // hold any value, a stream position included.
        long phantom = CAPACITY + 32;
        MemorySegment first = MemorySegment.ofArray(new byte[48]);
        first.set(LONG, 0, 0L);
        int at = 32 - RecordDescriptor.HEADER_LENGTH; // payload offset of the record's byte 32
        first.set(LONG, at + RecordDescriptor.COMMIT_OFFSET, phantom);
        first.set(INT, at + RecordDescriptor.LENGTH_OFFSET, RecordDescriptor.HEADER_LENGTH + 8);
        first.set(INT, at + RecordDescriptor.TYPE_OFFSET, RecordDescriptor.TYPE_INLINE);
        int firstLength = RecordDescriptor.aligned(RecordDescriptor.HEADER_LENGTH + 48);
        // the record number the subscriber expects there: record 0, then one per 32 bytes up to it
        first.set(LONG, at + RecordDescriptor.SEQUENCE_OFFSET, 1 + (phantom - firstLength) / 32);
        first.set(LONG, at + RecordDescriptor.HEADER_LENGTH, 0xBADL); // what the phantom would carry
        assertEquals(firstLength, pub.offer(first));

        assertEquals(32, RecordDescriptor.aligned(RecordDescriptor.HEADER_LENGTH + 8));
        // Records of 32 bytes up to the end of the first lap and one more on the second, each
        // carrying its number: the subscriber then waits at CAPACITY + 32.
        MemorySegment small = MemorySegment.ofArray(new byte[8]);
        long n = 1;
        while (pub.position() < CAPACITY + 32) {
            small.set(LONG, 0, n);
            long r = pub.offer(small);
            assertTrue(r > 0, "offer " + n + " gave " + r);
            n++;
            sub.poll(handler, 1000);
        }
        while (sub.poll(handler, 1000) > 0) {
            // drain
        }
        assertEquals(CAPACITY + 32, ring.tail());
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            expected.add(i);
        }
        assertFalse(seen.contains(0xBADL), "the first record's payload bytes were delivered as a record at position "
            + phantom + " (0xBAD = 2989); last records seen: " + seen.subList(Math.max(0, seen.size() - 3),
            seen.size()));
        assertEquals(expected, seen);
        assertEquals(CAPACITY + 32, sub.position());
    }
}
