package io.xmem.ring.internal;

import io.xmem.pool.internal.shm.Labels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.xmem.ring.internal.PublicationDescriptor.*;

/**
 * Flyweight over a ring's publication table ({@link PublicationDescriptor}): who publishes, for
 * stats. A publication fills its entry (pid, label) then stores ACTIVE with release, and stores
 * EMPTY when it closes; readers load the state with acquire. Liveness is never read from here.
 */
public final class PublicationTable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private final MemorySegment file;
    private final RingLayout layout;

    public PublicationTable(MemorySegment file, RingLayout layout) {
        this.file = file;
        this.layout = layout;
    }

    /** Entry {@code k}: 0 the exclusive publication, 1..64 the concurrent one with id {@code k}. */
    public void activateRelease(int k) {
        long e = layout.publicationOffset(k);
        file.set(ValueLayout.JAVA_LONG, e + PID_OFFSET, ProcessHandle.current().pid());
        Labels.writeSelf(file, e + LABEL_LENGTH_OFFSET, e + LABEL_OFFSET);
        INT.setRelease(file, e + STATE_OFFSET, STATE_ACTIVE);
    }

    public void emptyRelease(int k) {
        INT.setRelease(file, layout.publicationOffset(k) + STATE_OFFSET, STATE_EMPTY);
    }

    public int stateAcquire(int k) {
        return (int) INT.getAcquire(file, layout.publicationOffset(k) + STATE_OFFSET);
    }

    public long pidPlain(int k) {
        return file.get(ValueLayout.JAVA_LONG, layout.publicationOffset(k) + PID_OFFSET);
    }

    public String label(int k) {
        long e = layout.publicationOffset(k);
        return Labels.read(file, e + LABEL_LENGTH_OFFSET, e + LABEL_OFFSET);
    }
}
