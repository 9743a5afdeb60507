package io.xmem.perf.minimal;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * What every {@link Link}'s receiving side keeps of the messages it read: the last stamp and sequence,
 * the messages out of sequence, and a sum of the last 8 bytes of each (so the JIT keeps their reads).
 */
abstract class ReceivedMessages implements Link {
    private long lastStamp;
    private long lastSequence = -1;
    private long errors;
    private long touched;

    /** Called by the link's handler for each message, with what it read in the transport's memory. */
    final void received(long stamp, long sequence, long lastBytes) {
        touched += lastBytes;
        if (sequence != lastSequence + 1) {
            errors++;
        }
        lastStamp = stamp;
        lastSequence = sequence;
    }

    /** The same for a message of {@code length} bytes at {@code offset} in an Agrona buffer. */
    final void received(DirectBuffer buffer, int offset, int length) {
        received(buffer.getLong(offset + STAMP_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(offset + SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(offset + length - Long.BYTES, ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public final long lastStamp() {
        return lastStamp;
    }

    @Override
    public final long lastSequence() {
        return lastSequence;
    }

    @Override
    public final long errors() {
        return errors + (touched == 42 ? 1 : 0); // keeps the read of the last bytes
    }
}
