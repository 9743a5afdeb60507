package io.xmem.bridge;

import io.aeron.ExclusivePublication;
import io.xmem.bridge.internal.AeronMedia;
import io.xmem.bridge.internal.ChunkSender;
import io.xmem.bridge.internal.CountersFile;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;

import java.lang.foreign.MemorySegment;

import static io.xmem.bridge.internal.ChunkDescriptor.ENTRY_FLAG_INLINE;
import static io.xmem.bridge.internal.ChunkDescriptor.ENTRY_FLAG_USER_HEADER;
import static io.xmem.bridge.internal.ChunkDescriptor.FLAG_INLINE;
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
 * <p><b>Batches.</b> Messages small enough go into batch frames instead: every record one poll of
 * the ring finds is gathered into as few Aeron frames as they fit in, and the batch goes out at the
 * end of the poll, so nothing waits for a frame to fill; one claim, one copy and one commit then
 * carry dozens of small messages, where Aeron itself would frame each one.
 *
 * <p><b>Flow control.</b> Reliable ring: when Aeron back-pressures (or is not connected yet) the
 * egress retries the same chunk, counting one back-pressure event per message or batch, and never drops;
 * meanwhile it does not read the ring, whose publisher is then back-pressured in turn. Lossy
 * ring: a message whose first chunk (or a batch that) Aeron refuses is dropped and counted (its sequence
 * numbers are not used, so the ingress does not count it lost); once a message's first chunk is out, the
 * rest follow, so no half message wastes the link.
 */
public final class Egress extends BridgeEndpoint {
    /** Records per poll: the most one batch round gathers before it goes out. */
    private static final int POLL_LIMIT = 256;

    private final Subscription subscription;
    private final ExclusivePublication publication;
    private final ChunkSender sender;
    private final MessageHandler handler = this::send;
    private long nextSequence;

    private Egress(BridgeConfig config, Ring ring, AeronMedia media, CountersFile counters, Subscription subscription,
                   ExclusivePublication publication) {
        super(config, ring, media, counters);
        this.subscription = subscription;
        this.publication = publication;
        this.sender = new ChunkSender(publication, idle, ring.stats().lossy(), loop::isRunning);
        this.nextSequence = counters.get(LAST_SEQUENCE_OFFSET) + 1; // a restarted egress numbers on
    }

    /** Opens the ring, joins it as a subscriber (from its tail) and adds the Aeron publication. */
    public static Egress launch(BridgeConfig config) {
        return assemble(config, ROLE_EGRESS, (ring, counters, media) -> {
            ExclusivePublication publication = media.aeron()
                .addExclusivePublication(config.channel(), config.streamId());
            try {
                return new Egress(config, ring, media, counters, ring.subscription(), publication);
            } catch (RuntimeException e) {
                publication.close();
                throw e;
            }
        });
    }

    @Override
    public int doWork() {
        int read = subscription.poll(handler, POLL_LIMIT);
        flush();
        return read;
    }

    /** Whether the Aeron publication has a connected subscriber (an ingress) at the moment. */
    @Override
    public boolean isConnected() {
        return publication.isConnected();
    }

    private void send(Message message) {
        if (!loop.isRunning()) {
            return; // stopping: what is left of this poll's batch is not sent
        }
        MemorySegment payload = message.segment();
        long timestamp = message.timestamp();
        long tag = message.tag();
        boolean userHeader = timestamp != 0 || tag != 0;
        if (sender.fitsBatch(payload.byteSize(), userHeader)) {
            int flags = (message.isInline() ? ENTRY_FLAG_INLINE : 0) | (userHeader ? ENTRY_FLAG_USER_HEADER : 0);
            if (!sender.append(payload, timestamp, tag, flags)) {
                flush();
                sender.append(payload, timestamp, tag, flags);
            }
            return;
        }
        flush(); // what was gathered goes first: the order is the ring's
        long sequence = nextSequence;
        int result = sender.send(sequence, payload, timestamp, tag, message.isInline() ? FLAG_INLINE : 0, 0);
        countWait();
        if (result == ChunkSender.SENT) {
            nextSequence = sequence + 1;
            counted(1, payload.byteSize(), sender.chunksOf(payload.byteSize()));
        } else if (result == ChunkSender.DROPPED) {
            counters.increment(DROPS_OFFSET);
        }
    }

    /** Sends the batch gathered so far, numbered from the next sequence. */
    private void flush() {
        int messages = sender.pendingMessages();
        long bytes = sender.pendingBytes();
        if (messages == 0) {
            return;
        }
        int result = sender.flush(nextSequence, 0);
        countWait();
        if (result == ChunkSender.SENT) {
            nextSequence += messages;
            counted(messages, bytes, 1);
        } else if (result == ChunkSender.DROPPED) {
            counters.add(DROPS_OFFSET, messages); // their numbers are not used: the ingress counts nothing lost
        }
    }

    private void countWait() {
        if (sender.waited()) {
            counters.increment(BACK_PRESSURE_OFFSET);
        }
    }

    private void counted(long messages, long bytes, long frames) {
        counters.add(FRAGMENTS_OFFSET, frames);
        counters.add(BYTES_OFFSET, bytes);
        counters.set(LAST_SEQUENCE_OFFSET, nextSequence - 1);
        counters.add(MESSAGES_OFFSET, messages);
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
