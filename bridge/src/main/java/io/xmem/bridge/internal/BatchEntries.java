package io.xmem.bridge.internal;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static io.xmem.bridge.internal.ChunkDescriptor.*;

/**
 * Reading the entries of a batch frame ({@link ChunkDescriptor#FLAG_BATCH}), which came from the
 * network or an archive and is therefore checked before any entry is used.
 */
public final class BatchEntries {
    private BatchEntries() {
    }

    /**
     * Whether the body at {@code body} of {@code bodyLength} bytes holds exactly {@code count}
     * well-formed entries: known flags, a non-negative payload length, each entry inside the body,
     * and nothing after the last entry but its padding.
     */
    public static boolean valid(DirectBuffer buffer, int body, int bodyLength, long count) {
        long at = 0;
        for (long i = 0; i < count; i++) {
            if (at + ENTRY_HEADER_LENGTH > bodyLength) {
                return false;
            }
            int n = buffer.getInt(body + (int) at + ENTRY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            int flags = buffer.getInt(body + (int) at + ENTRY_FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (n < 0 || (flags & ~KNOWN_ENTRY_FLAGS) != 0) {
                return false;
            }
            long end = at + ENTRY_HEADER_LENGTH + ((flags & ENTRY_FLAG_USER_HEADER) != 0 ? ENTRY_USER_HEADER_LENGTH : 0)
                + n;
            if (end > bodyLength) {
                return false;
            }
            at += entryLength(n, (flags & ENTRY_FLAG_USER_HEADER) != 0);
        }
        return at >= bodyLength && at - bodyLength < ENTRY_ALIGNMENT;
    }

    /** Byte offset, from the body's start, of entry {@code index} of a body {@link #valid} accepted. */
    public static int skip(DirectBuffer buffer, int body, int index) {
        int at = 0;
        for (int i = 0; i < index; i++) {
            int n = buffer.getInt(body + at + ENTRY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            boolean userHeader = (buffer.getInt(body + at + ENTRY_FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN)
                & ENTRY_FLAG_USER_HEADER) != 0;
            at += (int) entryLength(n, userHeader);
        }
        return at;
    }
}
