package io.xmem.ring.internal;

import io.xmem.pool.internal.BufferPins;
import io.xmem.pool.internal.FaultPoints;
import io.xmem.ring.CorruptRingException;

import java.lang.invoke.VarHandle;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * Drops the pins of records every live subscriber has passed. Each publication and
 * subscription has its own (its batch of tokens is per user); any number may release at once,
 * in any process.
 */
public final class PinReleaser {
    /**
     * When no reference record lies at or after {@code start}, there is nothing to unpin: the
     * release position jumps to the tail (a record boundary at or past any {@code upTo}) without a
     * walk, so a ring of inline messages costs the same with a pool as without. The tail is read
     * first: a reference record below it was committed before the tail moved past it, and its end
     * was stored before its commit, so the end read after the tail covers it.
     */
    private boolean nothingPinnedFrom(long start) {
        long tail = log.checkedPosition(counters.tailAcquire(), "tail");
        if (counters.lastReferenceEndAcquire() > start) {
            return false;
        }
        // Only ever forward: a tail below the release position is damage, and moving the release
        // position back would have records unpinned twice.
        if (tail > start) {
            counters.casReleasePosition(start, tail); // if another releaser moved it first, so much the better
        }
        return true;
    }

    /** Records whose pins one CAS of the release position covers. */
    private static final int BATCH = 64;

    private final RecordLog log;
    private final RingCounters counters;
    private final BufferPins pins;
    private final String ringName;
    private final long[] tokens = new long[BATCH];

    public PinReleaser(RecordLog log, RingCounters counters, BufferPins pins, String ringName) {
        this.log = log;
        this.counters = counters;
        this.pins = pins;
        this.ringName = ringName;
    }

    /**
     * Drops the pins of every record below {@code upTo} (a position every live subscriber has
     * passed). Records are taken in batches: their tokens are read first, then one CAS moves the
     * release position past the batch, and only the releaser whose CAS succeeded unpins them, so
     * concurrent releasers never drop a pin twice. Reading before the CAS matters: once the
     * position has moved, the publisher may write over those records. A process killed between
     * the CAS and the unpins leaves that batch's buffers pinned (leaked, never freed early).
     */
    public void releaseUpTo(long upTo) {
        while (true) {
            long start = log.checkedPosition(counters.releasePositionVolatile(), "release position");
            if (start >= upTo) {
                return;
            }
            if (nothingPinnedFrom(start)) {
                return;
            }
            long position = start;
            int count = 0;
            while (position < upTo && count < BATCH) {
                long record = log.recordAt(position);
                long commit = log.commitAcquire(record);
                long header = log.lengthAndTypePlain(record);
                int length = RecordLog.length(header);
                int type = RecordLog.type(header);
                if (commit != position || !log.fits(position, length)) {
                    break; // judged below, once we know nobody moved the release position meanwhile
                }
                if (isReference(type)) {
                    tokens[count++] = log.referencePlain(record, REF_TOKEN_OFFSET);
                }
                position += aligned(length);
            }
            VarHandle.loadLoadFence();
            if (counters.releasePositionVolatile() != start) {
                continue; // another releaser moved on, and the publisher may be reusing what we read
            }
            if (position == start) {
                // The release position still names this record, so nobody has written over it.
                throw new CorruptRingException("ring '" + ringName + "': no valid record at release position " + start
                    + " below " + upTo + "; the ring was damaged");
            }
            if (counters.casReleasePosition(start, position)) {
                FaultPoints.hit(FaultPoints.RELEASER_AFTER_CAS);
                for (int i = 0; i < count; i++) {
                    pins.unpin(tokens[i]);
                }
            }
        }
    }
}
