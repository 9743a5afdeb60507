package io.xmem.bridge;

import io.xmem.bridge.internal.AeronMedia;
import io.xmem.bridge.internal.CountersDescriptor;
import io.xmem.bridge.internal.CountersFile;
import io.xmem.bridge.internal.WorkLoop;
import io.xmem.ring.Ring;
import org.agrona.concurrent.IdleStrategy;


/**
 * What an {@link Egress} and an {@link Ingress} share: a local ring, an Aeron client (and maybe
 * its embedded driver), a counters file, and one loop that does the work on the caller's thread.
 * Closing releases everything in reverse order, whatever failed.
 *
 * <pre>{@code
 * try (BridgeEndpoint bridge = Egress.launch(config)) {    // or Ingress.launch(config)
 *     Runtime.getRuntime().addShutdownHook(new Thread(() -> {
 *         try { bridge.stopAndAwaitClose(5_000); } catch (InterruptedException e) { }
 *     }));
 *     bridge.run();                                           // returns after stop()
 * }
 * }</pre>
 */
public abstract sealed class BridgeEndpoint implements AutoCloseable permits Egress, Ingress {
    final BridgeConfig config;
    final Ring ring;
    final AeronMedia media;
    final CountersFile counters;
    final WorkLoop loop;
    final IdleStrategy idle;
    private boolean closed;

    BridgeEndpoint(BridgeConfig config, Ring ring, AeronMedia media, CountersFile counters) {
        this.config = config;
        this.ring = ring;
        this.media = media;
        this.counters = counters;
        this.loop = new WorkLoop(config.newIdleStrategy());
        this.idle = loop.idle();
    }

    /** One round of work; returns how much was done (0: nothing to do, the loop idles). */
    public abstract int doWork();

    /** Whether Aeron connects this bridge to its far side at the moment. */
    public abstract boolean isConnected();

    /** Builds an endpoint from the parts both kinds open, in this order. */
    interface Assembly<T extends BridgeEndpoint> {
        T build(Ring ring, CountersFile counters, AeronMedia media);
    }

    /**
     * Opens the ring, the counters file ({@code NAME + suffix}) and the Aeron client, then lets
     * {@code assembly} add its publication or subscription; whatever was opened is closed again if
     * any step fails.
     */
    static <T extends BridgeEndpoint> T assemble(BridgeConfig config, int role, Assembly<T> assembly) {
        Ring ring = null;
        CountersFile counters = null;
        AeronMedia media = null;
        try {
            ring = Ring.open(config.ring(), config.directory());
            counters = CountersFile.open(config.directory().resolve(config.ring() + CountersDescriptor.suffix(role)),
                role, config.streamId(), config.channel());
            media = AeronMedia.connect(config.aeronDirectory());
            return assembly.build(ring, counters, media);
        } catch (RuntimeException e) {
            closeAll(ring, counters, media);
            throw e;
        }
    }

    /**
     * Runs {@link #doWork()} on this thread until {@link #stop()} is called (from another thread
     * or a shutdown hook), idling with the configured strategy when there is nothing to do.
     */
    public void run() {
        loop.run(this::doWork);
    }

    /** Asks {@link #run()} to return; a retry loop waiting on back-pressure gives up too. */
    public void stop() {
        loop.stop();
    }

    /** Stops and waits up to {@code timeoutMillis} for {@link #close()} to finish; for shutdown hooks. */
    public boolean stopAndAwaitClose(long timeoutMillis) throws InterruptedException {
        return loop.stopAndAwaitClosed(timeoutMillis);
    }

    /** This bridge's counters, as {@code xmem stat} sees them. */
    public BridgeStats stats() {
        return BridgeStats.parse(counters.path(), counters.snapshot(), true);
    }

    public long messages() {
        return counters.get(CountersDescriptor.MESSAGES_OFFSET);
    }

    /** The Aeron directory in use (embedded: a fresh one under /dev/shm). */
    public String aeronDirectory() {
        return media.directory();
    }

    /** Closes the Aeron side, then the ring; the counters file stays, marked stopped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.stop();
        try {
            closeAeron();
        } finally {
            try {
                media.close();
            } finally {
                try {
                    ring.close();
                } finally {
                    counters.close();
                    loop.closed();
                }
            }
        }
    }

    /** Closes this endpoint's publication or subscription before the client goes. */
    abstract void closeAeron();

    private static void closeAll(AutoCloseable... opened) {
        for (int i = opened.length - 1; i >= 0; i--) {
            if (opened[i] != null) {
                try {
                    opened[i].close();
                } catch (Exception ignored) { // already failing: the first error is the one to report
                }
            }
        }
    }
}
