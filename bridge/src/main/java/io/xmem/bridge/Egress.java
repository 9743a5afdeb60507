package io.xmem.bridge;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.xmem.bridge.internal.AeronMedia;
import io.xmem.bridge.internal.CountersFile;
import io.xmem.pool.XmemException;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.xmem.bridge.internal.ChunkDescriptor.*;
import static io.xmem.bridge.internal.CountersDescriptor.*;

/**
 * Reads a local ring and republishes every record's payload (inline bytes, or the referenced
 * buffer's bytes with its timestamp and tag) on an Aeron publication: UDP unicast, multicast or
 * any channel Aeron takes. Zero-copy ends here: each payload is copied once, from the ring or
 * pool straight into Aeron's term buffer.
 *
 * <pre>{@code
 * try (Egress egress = Egress.launch(BridgeConfig.builder().ring("md")
 *          .channel("aeron:udp?endpoint=10.0.0.2:40456").build())) {
 *     egress.run();                                  // until egress.stop()
 * }
 * }</pre>
 *
 * <p><b>Chunks.</b> Each payload goes out as chunks of at most the publication's
 * {@code maxPayloadLength} (MTU − 32) bytes, each with a 48-byte header
 * ({@code ChunkDescriptor}: message sequence, total length, chunk offset, timestamp, tag), so
 * messages of any length up to 2^31 − 1 bytes cross, whatever the term length, and the ingress
 * writes each chunk straight into the pool buffer it acquired for the message.
 *
 * <p><b>Flow control.</b> Reliable ring: when Aeron back-pressures (or is not connected yet) the
 * egress retries the same chunk, counting one back-pressure event per message, and never drops;
 * meanwhile it does not read the ring, whose publisher is then back-pressured in turn. Lossy
 * ring: a message whose first chunk Aeron refuses is dropped and counted (its sequence number is
 * not used, so the ingress does not count it lost); once a message's first chunk is out, the rest
 * follow, so no half message wastes the link.
 */
public final class Egress extends BridgeEndpoint {
    private static final int POLL_LIMIT = 16;

    private final Subscription subscription;
    private final ExclusivePublication publication;
    private final boolean lossy;
    private final int maxChunkData;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer source = new UnsafeBuffer(0, 0);
    private final MessageHandler handler = this::send;
    private long nextSequence;

    private Egress(BridgeConfig config, Ring ring, AeronMedia media, CountersFile counters, Subscription subscription,
                   ExclusivePublication publication) {
        super(config, ring, media, counters);
        this.subscription = subscription;
        this.publication = publication;
        this.lossy = ring.stats().lossy();
        this.maxChunkData = publication.maxPayloadLength() - HEADER_LENGTH;
        this.nextSequence = counters.get(LAST_SEQUENCE_OFFSET) + 1; // a restarted egress numbers on
    }

    /** Opens the ring, joins it as a subscriber (from its tail) and adds the Aeron publication. */
    public static Egress launch(BridgeConfig config) {
        return assemble(config, ROLE_EGRESS, (ring, counters, media) -> {
            ExclusivePublication publication = media.aeron().addExclusivePublication(config.channel(),
                config.streamId());
            if (publication.maxPayloadLength() <= HEADER_LENGTH) {
                publication.close();
                throw new XmemException("channel " + config.channel() + " carries " + publication.maxPayloadLength()
                    + " bytes per frame: too few for the bridge's " + HEADER_LENGTH + "-byte chunk header; raise mtu");
            }
            return new Egress(config, ring, media, counters, ring.subscription(), publication);
        });
    }

    @Override
    public int doWork() {
        return subscription.poll(handler, POLL_LIMIT);
    }

    /** Whether the Aeron publication has a connected subscriber (an ingress) at the moment. */
    @Override
    public boolean isConnected() {
        return publication.isConnected();
    }

    private void send(Message message) {
        if (!running) {
            return; // stopping: what is left of this poll's batch is not sent
        }
        long total = message.length();
        MemorySegment payload = message.segment();
        long timestamp = message.timestamp();
        long tag = message.tag();
        long sequence = nextSequence;
        boolean waited = false;
        long offset = 0;
        int chunks = 0;
        do {
            int n = (int) Math.min(maxChunkData, total - offset);
            long result;
            while ((result = publication.tryClaim(HEADER_LENGTH + n, claim)) < 0) {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                    throw new XmemException("Aeron publication on " + config.channel() + " can take no more: "
                        + Publication.errorString(result));
                }
                if (lossy && offset == 0) {
                    counters.increment(DROPS_OFFSET);
                    return;
                }
                if (!waited) {
                    waited = true;
                    counters.increment(BACK_PRESSURE_OFFSET);
                }
                if (!running) {
                    return; // stopping: the message is abandoned, as at any stop
                }
                idle.idle();
            }
            MutableDirectBuffer frame = claim.buffer();
            int at = claim.offset();
            frame.putInt(at + CHUNK_MAGIC_OFFSET, CHUNK_MAGIC, ByteOrder.LITTLE_ENDIAN);
            frame.putInt(at + FLAGS_OFFSET, 0, ByteOrder.LITTLE_ENDIAN);
            frame.putLong(at + SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
            frame.putLong(at + TOTAL_LENGTH_OFFSET, total, ByteOrder.LITTLE_ENDIAN);
            frame.putLong(at + CHUNK_OFFSET_OFFSET, offset, ByteOrder.LITTLE_ENDIAN);
            frame.putLong(at + TIMESTAMP_OFFSET, timestamp, ByteOrder.LITTLE_ENDIAN);
            frame.putLong(at + TAG_OFFSET, tag, ByteOrder.LITTLE_ENDIAN);
            if (n > 0) {
                // The payload is a checked slice of a mapping: wrap its address for Agrona's copy.
                source.wrap(payload.address() + offset, n);
                frame.putBytes(at + HEADER_LENGTH, source, 0, n);
            }
            claim.commit();
            chunks++;
            offset += n;
        } while (offset < total);
        idle.reset();
        nextSequence = sequence + 1;
        counters.add(FRAGMENTS_OFFSET, chunks);
        counters.add(BYTES_OFFSET, total);
        counters.set(LAST_SEQUENCE_OFFSET, sequence);
        counters.increment(MESSAGES_OFFSET);
    }

    @Override
    void closeAeron() {
        try {
            subscription.close();
        } finally {
            publication.close();
        }
    }
}
