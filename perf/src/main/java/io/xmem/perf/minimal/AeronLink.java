package io.xmem.perf.minimal;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Aeron IPC as its samples use it for small messages: an {@link ExclusivePublication} on
 * {@code aeron:ipc} with {@code tryClaim} (the message built in the publisher's buffer, copied into
 * the claimed frame, committed), a {@link Subscription} polled with a plain {@link FragmentHandler}
 * (a 32-byte message never fragments, so no assembler). The media driver is embedded in the parent
 * process ({@link MinimalBench}); both children are its clients.
 */
final class AeronLink extends ReceivedMessages implements FragmentHandler {
    private final Aeron aeron;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));

    AeronLink(Aeron aeron, String channel, int streamId, boolean publisher) {
        this.aeron = aeron;
        this.publication = publisher ? aeron.addExclusivePublication(channel, streamId) : null;
        this.subscription = publisher ? null : aeron.addSubscription(channel, streamId);
    }

    boolean isConnected() {
        return publication != null ? publication.isConnected() : subscription.isConnected();
    }

    @Override
    public boolean send(long stamp, long sequence) {
        message.putLong(STAMP_OFFSET, stamp, ByteOrder.LITTLE_ENDIAN);
        message.putLong(SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        long result = publication.tryClaim(LENGTH, claim);
        if (result < 0) {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                throw new IllegalStateException("Aeron publication cannot send: " + result);
            }
            return false;
        }
        claim.buffer().putBytes(claim.offset(), message, 0, LENGTH);
        claim.commit();
        return true;
    }

    @Override
    public int poll(int limit) {
        return subscription.poll(this, limit);
    }

    @Override
    public void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        received(buffer, offset, length);
    }

    @Override
    public void close() {
        if (publication != null) {
            publication.close();
        }
        if (subscription != null) {
            subscription.close();
        }
    }

    /** Closes the client the links of this process share. */
    Aeron aeron() {
        return aeron;
    }
}
