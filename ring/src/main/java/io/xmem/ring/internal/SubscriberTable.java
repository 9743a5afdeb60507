package io.xmem.ring.internal;

import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.Labels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileLock;

import static io.xmem.ring.internal.SubscriberDescriptor.*;

/**
 * Flyweight over a ring's subscriber table ({@link SubscriberDescriptor}). The state is stored
 * with release after the entry's position and loaded with acquire; the position is stored with
 * release by its owner once it is done with every record before it, and loaded with acquire by
 * whoever may reuse that space; pid and lost are diagnostics.
 */
public final class SubscriberTable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private final MemorySegment file;
    private final RingLayout layout;

    public SubscriberTable(MemorySegment file, RingLayout layout) {
        this.file = file;
        this.layout = layout;
    }

    public int capacity() {
        return layout.maxSubscribers();
    }

    public int stateAcquire(int index) {
        return (int) INT.getAcquire(file, layout.subscriberOffset(index) + STATE_OFFSET);
    }

    public void stateRelease(int index, int state) {
        INT.setRelease(file, layout.subscriberOffset(index) + STATE_OFFSET, state);
    }

    public long positionAcquire(int index) {
        return (long) LONG.getAcquire(file, layout.subscriberOffset(index) + POSITION_OFFSET);
    }

    public void positionRelease(int index, long position) {
        LONG.setRelease(file, layout.subscriberOffset(index) + POSITION_OFFSET, position);
    }

    public long pidPlain(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.subscriberOffset(index) + PID_OFFSET);
    }

    public void pidPlain(int index, long pid) {
        file.set(ValueLayout.JAVA_LONG, layout.subscriberOffset(index) + PID_OFFSET, pid);
    }

    /** This JVM's label, into entry {@code index} (written by its owner before the state). */
    public void labelPlain(int index) {
        long e = layout.subscriberOffset(index);
        Labels.writeSelf(file, e + LABEL_LENGTH_OFFSET, e + LABEL_OFFSET);
    }

    public String label(int index) {
        long e = layout.subscriberOffset(index);
        return Labels.read(file, e + LABEL_LENGTH_OFFSET, e + LABEL_OFFSET);
    }

    /** ACTIVE to EVICTED, with what the evicted subscriber learns; false if it was not ACTIVE. */
    public boolean casEvict(int index, long lag) {
        long e = layout.subscriberOffset(index);
        file.set(ValueLayout.JAVA_LONG, e + EVICTED_LAG_OFFSET, lag);
        file.set(ValueLayout.JAVA_LONG, e + EVICTED_MILLIS_OFFSET, System.currentTimeMillis());
        return (boolean) INT.compareAndSet(file, e + STATE_OFFSET, STATE_ACTIVE, STATE_EVICTED);
    }

    public long evictedLagPlain(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.subscriberOffset(index) + EVICTED_LAG_OFFSET);
    }

    public long evictedMillisPlain(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.subscriberOffset(index) + EVICTED_MILLIS_OFFSET);
    }

    public long lostOpaque(int index) {
        return (long) LONG.getOpaque(file, layout.subscriberOffset(index) + LOST_OFFSET);
    }

    public void lostOpaque(int index, long lost) {
        LONG.setOpaque(file, layout.subscriberOffset(index) + LOST_OFFSET, lost);
    }

    /**
     * The lowest position of any ACTIVE subscriber, or {@code Long.MAX_VALUE} when there is
     * none. With {@code probeDead} non-null, an ACTIVE or EVICTED entry whose lock can be taken
     * belongs to a dead process: it is marked EMPTY (while we hold its lock) and no longer counts.
     * EVICTED entries never count.
     */
    public long minPosition(ByteLocks probeDead) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < layout.maxSubscribers(); i++) {
            int state = stateAcquire(i);
            if (state == STATE_EMPTY || state == STATE_EVICTED && probeDead == null) {
                continue;
            }
            if (probeDead != null) {
                FileLock lock = probeDead.tryLock(i);
                if (lock != null) {
                    try {
                        stateRelease(i, STATE_EMPTY);
                    } finally {
                        ByteLocks.unlock(lock);
                    }
                    continue;
                }
            }
            if (state == STATE_ACTIVE) {
                min = Math.min(min, positionAcquire(i));
            }
        }
        return min;
    }
}
