package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.XmemException;
import io.xmem.ring.internal.MappedRing;

import java.lang.foreign.MemorySegment;

/**
 * A ring's only publication, used by one thread: it holds the ring's publishing byte
 * exclusively (refused while any publication is open anywhere), reads the stream's position
 * once, and from then on is the only writer, with no atomic operation and no lock on the way.
 * The fastest way to publish. Obtained from {@link Ring#publication()}.
 */
public final class ExclusivePublication extends Publication {
    ExclusivePublication(Ring ring, MappedRing mapped) {
        super(ring, mapped);
        if (!mapped.enterPublishing(false)) {
            throw new XmemException("ring '" + mapped.name() + "' already has a publication: an exclusive one needs "
                + "the ring to itself; use concurrentPublication() to share it");
        }
        resume();
        recover();
        counters.publisherPidOpaque(ProcessHandle.current().pid());
        mapped.publications().activateRelease(0);
    }

    @Override
    public long offer(MemorySegment message) {
        int recordLength = inlineRecordLength(message);
        ensureNoClaim();
        return writeInline(message, recordLength);
    }

    @Override
    public long offer(long token, long offset, long length, long timestamp, long tag) {
        checkReference(token, offset, length);
        ensureNoClaim();
        return writeReference(token, offset, length, timestamp, tag);
    }

    @Override
    long send(Buffer buffer, long token, long length, long timestamp, long tag) {
        checkReference(token, 0, length);
        ensureNoClaim();
        return writeReference(token, 0, length, timestamp, tag, buffer);
    }

    @Override
    public long tryClaim(int length, RecordClaim claim) {
        checkClaimLength(length);
        ensureNoClaim();
        return openClaim(length, claim);
    }

    @Override
    long commitClaim(long position, int length) {
        return finishClaim(position, length);
    }

    @Override
    void abortClaim() {
        openClaim = null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (openClaim != null) {
            openClaim.abort(); // publishes nothing
        }
        closed = true;
        if (!mapped.isClosed()) {
            mapped.publications().emptyRelease(0);
            mapped.leavePublishing(false);
            closed();
        }
        ring.forget(this);
    }
}
