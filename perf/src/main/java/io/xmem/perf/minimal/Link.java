package io.xmem.perf.minimal;

/**
 * One direction of one system, seen from one process: what the minimal program's loops call. Each
 * child JVM loads one implementation, so the calls are monomorphic and inlined.
 *
 * <p>A message is 32 bytes (copied into the transport) or, for {@link XmemLink} by reference, a pool
 * buffer of the test's size: a send time at byte 0, a sequence at byte 8; the receiver reads both and
 * the last 8 bytes, and counts a message whose sequence is not the next one as an error.
 */
interface Link extends AutoCloseable {
    int LENGTH = 32;
    int STAMP_OFFSET = 0;
    int SEQUENCE_OFFSET = 8;

    /** Sends message {@code sequence} stamped {@code stamp}; false when back-pressured (the caller retries). */
    boolean send(long stamp, long sequence);

    /** Receives up to {@code limit} messages; returns how many. */
    int poll(int limit);

    /** The stamp of the last message received. */
    long lastStamp();

    /** The sequence of the last message received. */
    long lastSequence();

    /** Messages received out of sequence. */
    long errors();

    @Override
    void close();
}
