package io.xmem.pool.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code -Dxmem.checkedSegments=true}: every segment handed out by a {@code Buffer} or a ring
 * {@code Message} lives in a scope of its own, closed when the handle closes or the record is
 * released, so a use after that fails with {@link IllegalStateException} instead of reading a
 * buffer that may belong to someone else by then. Off (the default), segments are plain slices
 * of the mapping and the fast path is unchanged: the flag is a constant the JIT folds away.
 */
public final class CheckedSegments {
    public static final boolean ENABLED = Boolean.getBoolean("xmem.checkedSegments");

    private CheckedSegments() {
    }

    /** A scope for segments that must die with a handle or a delivery; closing it costs a handshake. */
    public static Arena newScope() {
        return Arena.ofShared();
    }

    /** {@code segment}, valid only while {@code scope} is open. */
    public static MemorySegment within(MemorySegment segment, Arena scope) {
        return segment.reinterpret(scope, null);
    }
}
