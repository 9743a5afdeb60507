package io.xmem.pool.internal;

/**
 * One entry of the participant table: a process that may hold references.
 * Entry {@code i} owns bit {@code i} of every slot's holder mask and byte {@code i} of the
 * pool's lock file. The entry's fields are diagnostics; liveness is the OS lock alone.
 *
 * <pre>
 *         +-------------------------------+-------------------------------+
 *      0  | state (u32): 0 EMPTY, 1       | kind (u32): 1 PROCESS         |
 *         | ACTIVE                        |                               |
 *         +---------------------------------------------------------------+
 *      8  | pid (u64)                                                     |
 *         +---------------------------------------------------------------+
 *     16  | process start time (u64, epoch millis)                        |
 *         +---------------------------------------------------------------+
 *     24  | time it joined the pool (u64, epoch millis)                   |
 *         +-------------------------------+-------------------------------+
 *     32  | label length (u32)            | reserved, zero                |
 *         +---------------------------------------------------------------+
 *     40  | label (UTF-8, up to 40 bytes, to byte 79), zero-padded        |
 *         +---------------------------------------------------------------+
 *     80  | reserved, zero, to byte 127                                   |
 *         +---------------------------------------------------------------+
 *    128
 * </pre>
 *
 * <p>Writes: only the process holding lock byte {@code i} writes entry {@code i}; it fills
 * pid and times, then stores state ACTIVE with release semantics. A reclaimer that takes the
 * lock of a dead owner clears the dead owner's bits in every slot before it stores EMPTY.
 */
public final class ParticipantDescriptor {
    public static final int LENGTH = 128;

    public static final int STATE_EMPTY = 0;
    public static final int STATE_ACTIVE = 1;
    public static final int KIND_PROCESS = 1;

    public static final int STATE_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int PID_OFFSET = 8;
    public static final int START_MILLIS_OFFSET = 16;
    public static final int JOINED_MILLIS_OFFSET = 24;
    /** Bytes of the label (u32, 0..{@code Labels.MAX_BYTES}); its UTF-8 bytes are at {@link #LABEL_OFFSET}. */
    public static final int LABEL_LENGTH_OFFSET = 32;
    /** The participant's label: {@code -Dxmem.label}, or its main class or jar; zero-padded. */
    public static final int LABEL_OFFSET = 40;

    private ParticipantDescriptor() {
    }
}
