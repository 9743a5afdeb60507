package io.xmem.bridge;

import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.xmem.bridge.internal.AeronMedia;
import io.xmem.bridge.internal.BatchEntries;
import io.xmem.bridge.internal.CountersFile;
import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.xmem.bridge.internal.ChunkDescriptor.*;
import static io.xmem.bridge.internal.CountersDescriptor.*;

/**
 * Receives what an {@link Egress} sends on an Aeron channel and publishes it into a local ring:
 * a message that came in one chunk, fits the ring's inline limit and has no user header inline;
 * any other in a buffer acquired from the ring's pool, into which every chunk is copied straight from Aeron's
 * term buffer at its offset — no reassembly buffer in between.
 *
 * <pre>{@code
 * try (Ingress ingress = Ingress.launch(BridgeConfig.builder().ring("md")
 *          .channel("aeron:udp?endpoint=0.0.0.0:40456").build())) {
 *     ingress.run();                                 // until ingress.stop()
 * }
 * }</pre>
 *
 * <p><b>Flow control.</b> Reliable ring: while the ring back-pressures (or its pool has no free
 * buffer) the ingress leaves the chunk in Aeron ({@code ABORT}) and stops polling; Aeron's flow
 * control then holds the egress back, and the egress holds its ring's publisher. Lossy ring: the
 * ring never waits; a message that finds no buffer is dropped and counted. With no subscriber on
 * the ring, messages are dropped and counted in both modes, as a ring drops them.
 *
 * <p><b>Loss.</b> Every message carries the egress's sequence number. A gap between the last
 * message accounted for (delivered or dropped) and the next one received whole is counted in
 * {@code lost}: messages that never arrived whole, e.g. while this ingress was down. The last
 * sequence survives a restart in the counters file, so a new ingress counts the gap.
 *
 * <p>Everything from the network is untrusted: a chunk that is not in the bridge's format or is
 * inconsistent (lengths, offsets, a message larger than the pool's largest buffer) is counted
 * as malformed or dropped and skipped, never written out of bounds. One egress per channel and
 * stream: chunks of two interleaved senders would abandon each other's messages.
 */
public final class Ingress extends BridgeEndpoint implements ControlledFragmentHandler {
    private static final int FRAGMENT_LIMIT = 256;
    private static final long NO_SEQUENCE = -1;

    private final Subscription subscription;
    private final Publication publication;
    private final BufferPool pool;
    private final boolean lossy;
    private final int maxInline;
    private final long maxBuffer;
    private final UnsafeBuffer target = new UnsafeBuffer(0, 0);
    /** Sequence of the next message due; {@link #NO_SEQUENCE} until known. */
    private long expected;
    /** The message being received into a pool buffer. */
    private long current = NO_SEQUENCE;
    private long token = BufferPool.NO_TOKEN;
    private long total;
    private long received;
    private long timestamp;
    private long tag;
    /** Whole, waiting for the ring to take it. */
    private boolean complete;
    /** A back-pressure event was already counted for the chunk now waiting. */
    private boolean waiting;
    /** The batch frame being delivered entry by entry, and its next entry (to resume after ABORT). */
    private long batchSequence = NO_SEQUENCE;
    private int batchNext;

    private Ingress(BridgeConfig config, Ring ring, AeronMedia media, CountersFile counters, Subscription subscription,
                    Publication publication) {
        super(config, ring, media, counters);
        this.subscription = subscription;
        this.publication = publication;
        this.pool = ring.pool();
        this.lossy = ring.stats().lossy();
        this.maxInline = publication.maxInlineLength();
        this.maxBuffer = pool == null ? 0 : pool.maxBufferSize();
        long last = counters.get(LAST_SEQUENCE_OFFSET);
        this.expected = last < 0 ? NO_SEQUENCE : last + 1;
    }

    /** Opens the ring (it must exist, with its pool for large messages), publishes to it, subscribes to Aeron. */
    public static Ingress launch(BridgeConfig config) {
        return assemble(config, ROLE_INGRESS, (ring, counters, media) -> {
            Publication publication = ring.publication();
            Subscription subscription = media.aeron().addSubscription(config.channel(), config.streamId());
            return new Ingress(config, ring, media, counters, subscription, publication);
        });
    }

    @Override
    public int doWork() {
        return subscription.controlledPoll(this, FRAGMENT_LIMIT);
    }

    /** Whether an egress is connected (Aeron has an image for the stream). */
    @Override
    public boolean isConnected() {
        return subscription.isConnected();
    }

    @Override
    public Action onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        if (length < HEADER_LENGTH || buffer.getInt(offset + CHUNK_MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) != CHUNK_MAGIC
            || (header.flags() & FrameDescriptor.UNFRAGMENTED) != FrameDescriptor.UNFRAGMENTED) {
            return malformed(); // not ours: every bridge chunk is one whole Aeron frame
        }
        int flags = buffer.getInt(offset + FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long messageLength = buffer.getLong(offset + TOTAL_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long chunkOffset = buffer.getLong(offset + CHUNK_OFFSET_OFFSET, ByteOrder.LITTLE_ENDIAN);
        int n = length - HEADER_LENGTH;
        if (!validChunk(flags, sequence, messageLength, chunkOffset, n)) {
            return malformed();
        }
        if ((flags & FLAG_MARKER) != 0) {
            return Action.CONTINUE; // a recording's own note (a replayed archive): no ring record
        }
        if ((flags & FLAG_BATCH) != 0) {
            return batch(buffer, offset, n, sequence, buffer.getLong(offset + TAG_OFFSET, ByteOrder.LITTLE_ENDIAN));
        }
        if (complete && sequence == current) {
            return offerToRing(); // the last chunk again, after the ring back-pressured
        }
        if (chunkOffset == 0) {
            abandon(); // a message left incomplete is counted lost by the sequence gap
            long ts = buffer.getLong(offset + TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN);
            long tg = buffer.getLong(offset + TAG_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (n == messageLength && messageLength <= maxInline && ts == 0 && tg == 0) {
                Action action = inline(buffer, offset + HEADER_LENGTH, n, sequence);
                if (action != Action.ABORT) {
                    counters.increment(FRAGMENTS_OFFSET);
                }
                return action;
            }
            Action begun = begin(sequence, messageLength, ts, tg);
            if (begun != null) {
                return begun;
            }
        } else if (token == BufferPool.NO_TOKEN || sequence != current || chunkOffset != received) {
            // Part of a message we did not start (joined mid-message, or dropped it): skip.
            if (token != BufferPool.NO_TOKEN && sequence != current) {
                abandon();
            }
            return Action.CONTINUE;
        } else if (messageLength != total) {
            // Its own length was checked above, but the buffer was sized by the first chunk's.
            return malformed();
        }
        if (n > 0) {
            target.putBytes((int) chunkOffset, buffer, offset + HEADER_LENGTH, n);
        }
        received += n;
        counters.increment(FRAGMENTS_OFFSET);
        if (received < total) {
            return Action.CONTINUE;
        }
        complete = true;
        return offerToRing();
    }

    /**
     * A batch frame: checks every entry first (a frame with one bad entry delivers nothing), then
     * delivers them in order, resuming after the last one delivered when the ring back-pressured.
     */
    private Action batch(DirectBuffer buffer, int offset, int bodyLength, long sequence, long count) {
        if (count < 1 || !BatchEntries.valid(buffer, offset + HEADER_LENGTH, bodyLength, count)) {
            return malformed();
        }
        if (sequence != batchSequence) {
            abandon(); // a chunked message left incomplete is counted lost by the sequence gap
            batchSequence = sequence;
            batchNext = 0;
            counters.increment(FRAGMENTS_OFFSET);
        }
        int at = offset + HEADER_LENGTH + BatchEntries.skip(buffer, offset + HEADER_LENGTH, batchNext);
        for (int i = batchNext; i < count; i++) {
            int n = buffer.getInt(at + ENTRY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            boolean userHeader = (buffer.getInt(at + ENTRY_FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN)
                & ENTRY_FLAG_USER_HEADER) != 0;
            long ts = userHeader ? buffer.getLong(at + ENTRY_TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN) : 0;
            long tg = userHeader ? buffer.getLong(at + ENTRY_TAG_OFFSET, ByteOrder.LITTLE_ENDIAN) : 0;
            int data = at + ENTRY_HEADER_LENGTH + (userHeader ? ENTRY_USER_HEADER_LENGTH : 0);
            Action action = userHeader || n > maxInline ? small(buffer, data, n, sequence + i, ts, tg)
                : inline(buffer, data, n, sequence + i);
            if (action == Action.ABORT) {
                batchNext = i; // Aeron hands us this frame again: carry on from this entry
                return action;
            }
            at += (int) entryLength(n, userHeader);
        }
        batchSequence = NO_SEQUENCE;
        return Action.CONTINUE;
    }

    /** A small message with a user header (or too long to go inline): through a buffer of the pool. */
    private Action small(DirectBuffer buffer, int from, int n, long sequence, long ts, long tg) {
        if (n > maxBuffer) {
            counters.increment(DROPS_OFFSET);
            accounted(sequence);
            return Action.CONTINUE;
        }
        long t = pool.tryAcquireToken(Math.max(1, n));
        if (t == BufferPool.NO_TOKEN) {
            if (lossy) {
                counters.increment(DROPS_OFFSET);
                accounted(sequence);
                return Action.CONTINUE;
            }
            return backPressured();
        }
        MemorySegment bytes = pool.segment(t);
        target.wrap(bytes.address(), (int) bytes.byteSize()); // a checked slice of the pool's mapping
        target.putBytes(0, buffer, from, n);
        long result = publication.offer(t, 0, n, ts, tg);
        pool.releaseToken(t); // pinned by the ring if it took it; back to the pool if not
        if (result < 0) {
            return refused(result, sequence, n);
        }
        delivered(sequence, n);
        return Action.CONTINUE;
    }

    /** A message in one chunk, small, without a user header: straight into the ring's log. */
    private Action inline(DirectBuffer buffer, int from, int n, long sequence) {
        long result = publication.tryClaim(n);
        if (result < 0) {
            return refused(result, sequence, n);
        }
        MemorySegment claimed = publication.claimed();
        if (n > 0) {
            target.wrap(claimed.address(), n); // a checked slice of the ring's mapping
            target.putBytes(0, buffer, from, n);
        }
        publication.commit();
        delivered(sequence, n);
        return Action.CONTINUE;
    }

    /** Acquires the buffer for a message's chunks; null when its first chunk is to be copied. */
    private Action begin(long sequence, long messageLength, long ts, long tg) {
        if (messageLength > maxBuffer) {
            // Too large for every buffer of the pool (or an inline-only ring): nothing can take it.
            counters.increment(DROPS_OFFSET);
            accounted(sequence);
            return Action.CONTINUE;
        }
        long t = pool.tryAcquireToken(Math.max(1, messageLength));
        if (t == BufferPool.NO_TOKEN) {
            if (lossy) {
                counters.increment(DROPS_OFFSET);
                accounted(sequence);
                return Action.CONTINUE;
            }
            return backPressured(); // subscribers still hold every buffer: wait for one
        }
        waiting = false;
        token = t;
        current = sequence;
        total = messageLength;
        received = 0;
        timestamp = ts;
        tag = tg;
        MemorySegment bytes = pool.segment(t);
        target.wrap(bytes.address(), (int) bytes.byteSize()); // a checked slice of the pool's mapping
        return null;
    }

    private Action offerToRing() {
        long sequence = current;
        long length = total;
        long result = publication.offer(token, 0, length, timestamp, tag);
        if (result < 0) {
            Action action = refused(result, sequence, length);
            if (action != Action.ABORT) {
                abandon(); // dropped: give the buffer back
            }
            return action;
        }
        pool.releaseToken(token); // the ring pinned it
        token = BufferPool.NO_TOKEN;
        complete = false;
        current = NO_SEQUENCE;
        delivered(sequence, length);
        return Action.CONTINUE;
    }

    /** The ring said no: wait on back-pressure in a reliable ring, drop otherwise. */
    private Action refused(long result, long sequence, long length) {
        if (result == Publication.CLOSED) {
            throw new XmemException("ring '" + ring.name() + "' was closed under the ingress");
        }
        if (result == Publication.BACK_PRESSURED && !lossy) {
            return backPressured();
        }
        counters.increment(DROPS_OFFSET); // NOT_CONNECTED: nobody reads the ring, as a ring drops
        accounted(sequence);
        return Action.CONTINUE;
    }

    private Action backPressured() {
        if (!waiting) {
            waiting = true;
            counters.increment(BACK_PRESSURE_OFFSET);
        }
        return Action.ABORT; // the chunk stays in Aeron; we poll again once the ring has room
    }

    private Action malformed() {
        counters.increment(MALFORMED_OFFSET);
        return Action.CONTINUE;
    }

    /** Gives back the buffer of a message that will not be delivered; forgets a half-delivered batch. */
    private void abandon() {
        batchSequence = NO_SEQUENCE;
        if (token != BufferPool.NO_TOKEN) {
            pool.releaseToken(token);
            token = BufferPool.NO_TOKEN;
        }
        complete = false;
        current = NO_SEQUENCE;
    }

    private void delivered(long sequence, long length) {
        counters.add(BYTES_OFFSET, length);
        counters.increment(MESSAGES_OFFSET);
        accounted(sequence);
    }

    /** Message {@code sequence} is done with (delivered or dropped): count the gap before it as lost. */
    private void accounted(long sequence) {
        waiting = false;
        if (expected != NO_SEQUENCE && sequence > expected) {
            counters.add(LOST_OFFSET, sequence - expected);
        } // lower: the egress started numbering again (a fresh counters file): nothing lost
        expected = sequence + 1;
        counters.set(LAST_SEQUENCE_OFFSET, sequence);
    }

    @Override
    void closeAeron() {
        abandon();
        try {
            subscription.close();
        } finally {
            publication.close();
        }
    }
}
