package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.MappedPool;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.ring.internal.MappedRing;
import io.xmem.ring.internal.PinRecounter;
import io.xmem.ring.internal.RingCounters;
import io.xmem.ring.internal.RingFiles;
import io.xmem.ring.internal.RingStatsReader;
import io.xmem.ring.internal.SubscriberDescriptor;
import io.xmem.ring.internal.SubscriberTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A named shared-memory ring: an Aeron-style log of records, each either a small inline
 * message or a reference to a buffer of the ring's pool, read by any number of subscribers in
 * other processes, each at its own pace. The layout is in {@code ring/LAYOUT.md}.
 *
 * <pre>{@code
 * try (Ring ring = Ring.create("md", RingConfig.builder().capacity(1 << 20).pool("frames").build());
 *      Publication pub = ring.publication()) {
 *     long pos = pub.offer(buf);
 * }
 * try (Ring ring = Ring.open("md"); Subscription sub = ring.subscription()) {
 *     sub.poll(msg -> use(msg.segment()), 16);
 * }
 * }</pre>
 *
 * <p>Flow control is chosen when the ring is created: reliable (the slowest live subscriber
 * back-pressures the publisher) or lossy (the publisher never waits; overtaken subscribers
 * learn exactly what they lost). Subscribers spin, back off as they choose, or sleep in
 * {@link Subscription#await}.
 */
public final class Ring implements AutoCloseable {
    private final MappedRing mapped;
    private final RingCounters counters;
    private final SubscriberTable subscribers;
    private final List<AutoCloseable> children = new ArrayList<>();
    private boolean closed;

    private Ring(MappedRing mapped) {
        this.mapped = mapped;
        this.counters = mapped.counters();
        this.subscribers = mapped.subscribers();
    }

    /** Creates a ring file; {@link RingExistsException} if one exists. Its pool must exist. */
    public static Ring create(String name, RingConfig config) {
        return new Ring(MappedRing.create(name, config));
    }

    /**
     * Opens the ring {@code name} if it exists with the shape {@code config} describes, creates it
     * if it does not (its pool must exist: {@code BufferPool.openOrCreate} it first). In
     * {@code config.directory()}. {@link IncompatibleLayoutException} naming what differs when the
     * ring exists with another shape; processes racing to do this all end up with the one ring.
     *
     * <pre>{@code
     * try (BufferPool pool = BufferPool.openOrCreate("frames", poolConfig);
     *      Ring ring = Ring.openOrCreate("video", RingConfig.builder().pool("frames").build())) { ... }
     * }</pre>
     */
    public static Ring openOrCreate(String name, RingConfig config) {
        return openOrCreate(name, config.directory(), config);
    }

    /** Like {@link #openOrCreate(String, RingConfig)} in {@code directory} (instead of the config's). */
    public static Ring openOrCreate(String name, Path directory, RingConfig config) {
        return new Ring(MappedRing.openOrCreate(name, directory, config));
    }

    /** Opens a ring in {@code /dev/shm}. */
    public static Ring open(String name) {
        return open(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /** Opens a ring and the pool it refers to; {@link RingNotFoundException} if absent. */
    public static Ring open(String name, Path directory) {
        return new Ring(MappedRing.open(name, directory));
    }

    /** Unlinks a ring in {@code /dev/shm}; false if there was none. */
    public static boolean delete(String name) {
        return delete(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /**
     * Unlinks a ring's files. Records no live subscriber will read give their buffers back first:
     * when no subscription of the ring is alive anywhere (dead ones are found by their locks),
     * every pin the ring's records hold is dropped; otherwise the last subscription to close
     * does it. Processes that have the ring open keep working on it until they close.
     */
    public static boolean delete(String name, Path directory) {
        MappedRing.releaseUnread(name, directory);
        return MappedRing.delete(name, directory);
    }

    /**
     * Gives back the pins that a death left without an owner, in pool {@code poolName} of
     * {@code directory}: a releaser killed between moving a ring's release position and dropping
     * that batch's pins (up to 64), a publisher killed between pinning a buffer and committing its
     * record (one). Every pin is owned by a reference record between a ring's release position and
     * its last committed record, so the pins a slot should carry can be counted from the rings of
     * the pool; a slot no process holds that carries more has the extra dropped, and is freed if
     * none are left. Runs only while no other process uses the pool (every other participant's lock
     * byte is taken for the duration, so none can join meanwhile); otherwise it does nothing and
     * says so. Damage it finds is reported and left alone. {@code xmem reclaim} runs it.
     *
     * <p>This JVM must have no ring of the pool open ({@link IllegalStateException}): a publisher
     * here could be between its pin and its commit.
     */
    public static PinRecount recountPins(String poolName, Path directory) {
        try (BufferPool pool = BufferPool.open(poolName, directory)) {
            MappedPool mapped = PoolAccess.mapped(pool);
            if (mapped.hasRingsOpenHere()) {
                throw new IllegalStateException("this JVM has a ring of pool '" + poolName + "' open: close it before "
                    + "recounting the pool's pins (a publication here may be between a pin and its commit)");
            }
            PinRecount[] result = new PinRecount[1];
            boolean quiet = mapped.withOthersLockedOut(() -> {
                PinRecounter counter = new PinRecounter();
                counter.countRingsOf(pool.id(), directory);
                if (!counter.problems().isEmpty()) {
                    result[0] = new PinRecount(false, counter.rings(), 0, 0, counter.problems(),
                        "the rings of the pool could not all be read");
                    return;
                }
                MappedPool.PinCorrection c = mapped.correctPins(counter.tokens(), counter.count());
                result[0] = new PinRecount(true, counter.rings(), c.pinsDropped(), c.buffersFreed(), c.problems(),
                    null);
            });
            return quiet ? result[0] : PinRecount.notDone("another live process uses pool '" + poolName
                + "': pins are recounted only when nothing else is in the pool");
        }
    }

    /**
     * The files a ring named {@code name} has in {@code directory}: the ring file, then its lock
     * file ({@code NAME.ring}, {@code NAME.ring.lock}); they need not exist.
     */
    public static List<Path> files(String name, Path directory) {
        return List.of(RingFiles.FORMAT.path(directory, name), RingFiles.FORMAT.lockPath(directory, name));
    }

    public String name() {
        return mapped.name();
    }

    /** The pool its buffer references belong to, or {@code null} for an inline-only ring. */
    public BufferPool pool() {
        return mapped.pool();
    }

    public int capacity() {
        return mapped.layout().capacity();
    }

    /**
     * The exclusive publication of this ring: the fastest way to publish, for one thread, while
     * no other publication is open anywhere ({@code XmemException} otherwise).
     */
    public synchronized ExclusivePublication publication() {
        ensureOpen();
        ExclusivePublication p = new ExclusivePublication(this, mapped);
        children.add(p);
        return p;
    }

    /**
     * A concurrent publication: safe for many threads, and many processes may each open one at
     * the same time (up to 64); records never interleave. Not alongside an exclusive one.
     */
    public synchronized ConcurrentPublication concurrentPublication() {
        ensureOpen();
        ConcurrentPublication p = new ConcurrentPublication(this, mapped);
        children.add(p);
        return p;
    }

    /** A new subscription, starting after the last record published so far. */
    public synchronized Subscription subscription() {
        ensureOpen();
        Subscription s = new Subscription(this, mapped);
        children.add(s);
        return s;
    }

    /** Position after the last committed record. */
    public long tail() {
        return counters.tailAcquire();
    }

    /** Records published since the ring was created. */
    public long publishedCount() {
        return counters.publishedOpaque();
    }

    /** Times a publisher found no room because of a slow subscriber. */
    public long backPressuredCount() {
        return counters.backPressuredOpaque();
    }

    /** Times a subscriber of a lossy ring was overtaken by the publisher. */
    public long lapCount() {
        return counters.lapsOpaque();
    }

    /**
     * A snapshot of the ring's counters, subscribers (lag, losses, evicted or not, label) and
     * publications (pid, label, exclusive or concurrent, which holds the turn); liveness is probed
     * through the OS locks.
     */
    public RingStats stats() {
        ensureOpen();
        return RingStatsReader.read(name(), mapped.layout(), mapped.log().file(), mapped.locks());
    }

    /**
     * Evicts subscriber {@code index} (as {@code stats()} numbers them), as the ring's publisher
     * does with one that holds it back longer than the subscriber timeout: it no longer holds the
     * publisher back, the buffers of records it has not read are released once the others pass
     * them, and its next poll throws {@link SubscriberEvictedException}. Returns false when the
     * entry is not a live-looking subscriber (empty, or evicted already). Only for rings created
     * with {@link RingConfig.Builder#subscriberTimeout}: their subscribers read guarded, so that
     * nothing they are reading can change under them once evicted ({@code XmemException} otherwise).
     */
    public boolean evict(int index) {
        ensureOpen();
        if (!mapped.layout().evictable()) {
            throw new XmemException("ring '" + name() + "' was not created with a subscriber timeout: its subscribers "
                + "read records in place and cannot be evicted safely; create it with RingConfig.subscriberTimeout");
        }
        if (index < 0 || index >= subscribers.capacity()) {
            throw new IllegalArgumentException("subscriber index " + index + " outside 0.."
                + (subscribers.capacity() - 1) + " of ring '" + name() + "'");
        }
        long position = subscribers.positionAcquire(index);
        boolean evicted = subscribers.casEvict(index, Math.max(0, counters.tailAcquire() - position));
        if (evicted) {
            counters.incrementMembership(); // publishers look at the table again
        }
        return evicted;
    }

    /** Positions of the subscribers that are ACTIVE in the table (live or not yet found dead). */
    public long[] subscriberPositions() {
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < subscribers.capacity(); i++) {
            if (subscribers.stateAcquire(i) == SubscriberDescriptor.STATE_ACTIVE) {
                positions.add(subscribers.positionAcquire(i));
            }
        }
        return positions.stream().mapToLong(Long::longValue).toArray();
    }

    synchronized void forget(AutoCloseable child) {
        children.remove(child);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring '" + name() + "' is closed");
        }
    }

    /** Closes its publication and subscriptions, then unmaps the ring (last one in this JVM). */
    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(children);
        }
        RuntimeException failure = null;
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) { // close the rest, and the mapping, all the same
                if (failure == null) {
                    failure = new XmemException("closing ring '" + name() + "': " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        mapped.release();
        if (failure != null) {
            throw failure;
        }
    }
}
