package io.xmem.pool.internal;

import java.lang.foreign.MemorySegment;

/**
 * The pool as a structure that pins its buffers sees it (a ring, whose records refer to
 * buffers): the one seam between the ring and the pool. Obtained with
 * {@link PoolAccess#pins(io.xmem.pool.BufferPool)}.
 */
public interface BufferPins {
    String poolName();

    /** The pool's random id (a pool deleted and created again has another). */
    long poolId();

    /** The length of a buffer this process holds under {@code token}; {@link IllegalStateException} otherwise. */
    long heldLength(long token);

    /** {@link #pinInPlaceOfLastReference}: the last handle's reference became the pin. */
    int PINNED_IN_PLACE = 1;
    /** {@link #pinInPlaceOfLastReference}: the buffer carries 255 pins already; nothing changed. */
    int PIN_LIMIT = 0;
    /** {@link #pinInPlaceOfLastReference}: not the last handle in this process; nothing changed. */
    int NOT_LAST = -1;

    /** Adds a pin to a buffer this process holds; false when it carries 255 already. */
    boolean pin(long token);

    /**
     * Turns this process's last reference to {@code token} into a pin with one CAS (a handle
     * handed over to a ring); {@link #PINNED_IN_PLACE}, {@link #PIN_LIMIT} or {@link #NOT_LAST}.
     */
    int pinInPlaceOfLastReference(long token);

    /** Drops a pin, from any process; true if that freed the buffer. {@code CorruptPoolException} if there is none. */
    boolean unpin(long token);

    /** Whether {@code token} (of this pool) names a device buffer: one comparison, for publish paths. */
    boolean isDeviceToken(long token);

    /** The size class of the slot {@code token} names; {@code StaleTokenException} if it is out of range. */
    int sizeClassOfToken(long token);

    boolean isDeviceClass(int sizeClass);

    /**
     * The length of a pinned buffer, checked (for a reader that borrows it); {@code CorruptPoolException} if unpinned.
     */
    long pinnedLength(long token, int sizeClass);

    /** Where the buffer {@code token} names starts in {@link #memory()}. */
    long bufferOffset(long token, int sizeClass);

    /** The whole mapped pool file: readers slice pinned buffers from it. */
    MemorySegment memory();

    /**
     * Registers work to run when an acquire in this JVM finds a class exhausted, before it gives
     * up: a ring releasing pins nobody needs any more. Runs on the acquiring thread; must be cheap.
     */
    void addExhaustionHook(Runnable hook);

    void removeExhaustionHook(Runnable hook);
}
