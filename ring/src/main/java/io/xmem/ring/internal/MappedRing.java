package io.xmem.ring.internal;

import io.xmem.pool.BufferPool;
import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.BufferPins;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.OpenFiles;
import io.xmem.pool.internal.shm.SharedFile;
import io.xmem.ring.RingConfig;
import io.xmem.ring.RingExistsException;
import io.xmem.ring.RingNotFoundException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One ring file as this JVM has it open: the mapping and its flyweights, the lock channel (one
 * per JVM, see {@link ByteLocks}), the pool its records refer to, and this JVM's share of the
 * publishing byte. Every {@code Ring} object of the same ring file in this JVM shares one
 * instance ({@link OpenFiles}).
 */
public final class MappedRing extends OpenFiles.Entry {
    /**
     * Lock byte of publishing: an exclusive publication holds it exclusively, concurrent ones
     * share it (so the two kinds never mix). Subscribers hold bytes 0..maxSubscribers-1; the
     * concurrent publication with id {@code k + 1} holds byte {@code PUBLISHER_LOCK + 1 + k}.
     */
    public static final long PUBLISHER_LOCK = 1L << 20;
    public static final int MAX_CONCURRENT_PUBLICATIONS = 64;
    /** Open-or-create tries again this often when a racing process creates and deletes the ring under it. */
    private static final int OPEN_OR_CREATE_ATTEMPTS = 100;
    /** How long taking the publishing byte keeps trying while a probe holds it. */
    private static final long PUBLISHING_RETRY_NANOS = 50_000_000L;
    /** When the pool runs dry, the subscribers' liveness is probed at most this often (it costs syscalls). */
    private static final long EXHAUSTION_PROBE_INTERVAL_NANOS = 5_000_000L;

    private final String name;
    private final MappedFile<RingLayout> mapped;
    private final RingLayout layout;
    private final ByteLocks locks;
    /** The pool of the ring's buffer references, or null for an inline-only ring. */
    private final BufferPool pool;
    private final BufferPins pins;
    private final RingCounters counters;
    private final SubscriberTable subscribers;
    private final RecordLog log;
    private final PublicationTable publications;
    private final Runnable exhaustionHook;
    /** The exhaustion hook's releaser, kept so that a waiting acquire allocates nothing; guarded by itself. */
    private final PinReleaser exhaustionReleaser;
    private FileLock publishing;
    private int concurrentPublications;
    private volatile long lastExhaustionProbe = System.nanoTime() - EXHAUSTION_PROBE_INTERVAL_NANOS;
    private volatile boolean closed;

    private MappedRing(String name, MappedFile<RingLayout> mapped, ByteLocks locks, BufferPool pool) {
        this.name = name;
        this.mapped = mapped;
        this.layout = mapped.layout();
        this.locks = locks;
        this.pool = pool;
        this.pins = pool == null ? null : PoolAccess.pins(pool);
        MemorySegment file = mapped.segment();
        this.counters = new RingCounters(file);
        this.subscribers = new SubscriberTable(file, layout);
        this.log = new RecordLog(file, layout, name);
        this.publications = new PublicationTable(file, layout);
        this.exhaustionReleaser = newReleaser();
        this.exhaustionHook = pins == null ? null : this::releasePassed;
        if (pins != null) {
            pins.addExhaustionHook(exhaustionHook);
        }
    }

    /** Creates a ring file (its pool must exist) and opens it; {@code RingExistsException} if it is there. */
    public static MappedRing create(String name, RingConfig config) {
        return create(name, config.directory(), config);
    }

    /**
     * This JVM's instance of the ring {@code name} in {@code dir}: opened if it exists with the
     * shape {@code config} describes ({@code IncompatibleLayoutException} naming what differs
     * otherwise), created if not; racing processes all end up with the one ring.
     */
    public static MappedRing openOrCreate(String name, Path dir, RingConfig config) {
        for (int attempt = 0; ; attempt++) {
            try {
                MappedRing ring = open(name, dir);
                List<String> differences = ring.layout.differences(config);
                if (!differences.isEmpty()) {
                    ring.release();
                    throw new IncompatibleLayoutException("ring '" + name + "' exists with another shape: "
                        + String.join("; ", differences) + ": open it as it is (Ring.open), or delete it (Ring.delete "
                        + "or `xmem rm " + name + "`) to make the new one");
                }
                return ring;
            } catch (RingNotFoundException absent) {
                try {
                    return create(name, dir, config);
                } catch (RingExistsException raced) {
                    if (attempt > OPEN_OR_CREATE_ATTEMPTS) { // made and deleted again and again under us
                        throw raced;
                    }
                }
            }
        }
    }

    private static MappedRing create(String name, Path dir, RingConfig config) {
        BufferPool pool = config.pool() == null ? null : BufferPool.open(config.pool(), dir);
        boolean made = false;
        try {
            RingLayout layout = RingLayout.of(config, ThreadLocalRandom.current().nextLong(),
                pool == null ? 0 : pool.id());
            MappedFile<RingLayout> mapped = SharedFile.create(RingFiles.FORMAT, dir, name, config.permissions(),
                layout.fileLength(), layout.flags(), layout, file -> layout.writeTo(file,
                    ProcessHandle.current().pid()));
            made = true;
            return OpenFiles.created(RingFiles.FORMAT, dir, name, () -> assemble(name, mapped, dir, pool));
        } catch (RuntimeException | Error e) {
            if (made) {
                delete(name, dir); // ours since O_EXCL, and unusable: nobody may find it half set up
            }
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    /** This JVM's instance of an existing ring and its pool, opening them if this JVM has not yet. */
    public static MappedRing open(String name, Path dir) {
        return OpenFiles.open(RingFiles.FORMAT, dir, name, MappedRing.class,
            () -> assemble(name, SharedFile.open(RingFiles.FORMAT, dir, name, false, RingLayout::read), dir, null));
    }

    /** Opens the lock file and the pool (unless the creator has it already); undoes everything on failure. */
    private static MappedRing assemble(String name, MappedFile<RingLayout> mapped, Path dir, BufferPool created) {
        BufferPool pool = created;
        ByteLocks locks = null;
        try {
            if (pool == null && mapped.layout().poolName() != null) {
                pool = openPool(name, mapped.layout(), dir);
            }
            locks = ByteLocks.open(RingFiles.FORMAT.lockPath(dir, name), Files.getPosixFilePermissions(mapped.path()));
            return new MappedRing(name, mapped, locks, pool);
        } catch (IOException e) {
            abandon(mapped, locks, pool, created);
            throw new XmemException("cannot open ring '" + name + "': " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            abandon(mapped, locks, pool, created);
            throw e;
        }
    }

    private static void abandon(MappedFile<RingLayout> mapped, ByteLocks locks, BufferPool pool, BufferPool created) {
        mapped.close();
        if (locks != null) {
            locks.close();
        }
        if (pool != null && pool != created) { // the creator's caller closes the one it opened
            pool.close();
        }
    }

    private static BufferPool openPool(String name, RingLayout layout, Path dir) {
        BufferPool pool = BufferPool.open(layout.poolName(), dir);
        if (pool.id() != layout.poolId()) {
            pool.close();
            throw new IncompatibleLayoutException("ring '" + name + "' was made for pool '" + layout.poolName()
                + "' with id 0x" + Long.toHexString(layout.poolId()) + ", but that pool now has id 0x"
                + Long.toHexString(pool.id()) + " (it was deleted and created again): recreate the ring");
        }
        return pool;
    }

    public static boolean delete(String name, Path dir) {
        return SharedFile.delete(RingFiles.FORMAT, dir, name);
    }

    /**
     * Before a ring is deleted: if no subscription is alive, nobody will ever read its records
     * (a new subscriber starts at the tail), so the pins they hold are dropped. With a live
     * subscriber nothing is done here: it releases as it reads, and the last one to close
     * releases the rest. A ring that cannot be opened (absent, damaged, its pool gone) is left
     * to the unlink.
     */
    public static void releaseUnread(String name, Path dir) {
        MappedRing ring;
        try {
            ring = open(name, dir);
        } catch (XmemException e) {
            return;
        }
        try {
            PinReleaser releaser = ring.newReleaser();
            if (releaser != null && ring.subscribers.minPosition(ring.locks) == Long.MAX_VALUE) {
                releaser.releaseUpTo(ring.log.checkedPosition(ring.counters.tailAcquire(), "tail"));
            }
        } finally {
            ring.release();
        }
    }

    /** One {@code Ring} object of this ring closed; the last one unmaps it. */
    public void release() {
        OpenFiles.close(this);
    }

    @Override
    protected void closeLast() {
        if (pins != null) {
            pins.removeExhaustionHook(exhaustionHook);
        }
        closed = true;
        try {
            mapped.close();
        } finally {
            locks.close();
            if (pool != null) {
                pool.close();
            }
        }
    }

    /**
     * When the pool runs dry in this JVM: drop the pins of records every live subscriber has
     * passed (or of everything committed, if nobody subscribes). Subscribers that are not Java
     * (a reader following the layout) never release pins themselves.
     */
    private void releasePassed() {
        if (closed) {
            return;
        }
        // Any acquiring thread may run this: they take turns on the one releaser (its batch of
        // tokens is its state), which spares a releaser object per try of a waiting acquire.
        synchronized (exhaustionReleaser) {
            // A dead subscriber's entry must not pin buffers while a publisher waits for the pool, and
            // nobody else may be looking at the table meanwhile: probe, at most every few milliseconds.
            long now = System.nanoTime();
            boolean probe = now - lastExhaustionProbe > EXHAUSTION_PROBE_INTERVAL_NANOS;
            if (probe) {
                lastExhaustionProbe = now;
            }
            long min = subscribers.minPosition(probe ? locks : null);
            exhaustionReleaser.releaseUpTo(min == Long.MAX_VALUE ? log.checkedPosition(counters.tailAcquire(), "tail")
                : min);
        }
    }

    // ---------------------------------------------------------------- accessors

    public boolean isClosed() {
        return closed;
    }

    public String name() {
        return name;
    }

    public RingLayout layout() {
        return layout;
    }

    @Override
    public ByteLocks locks() {
        return locks;
    }

    /** The pool of the ring's references; null for an inline-only ring. */
    public BufferPool pool() {
        return pool;
    }

    /** The ring's seam to its pool; null for an inline-only ring. */
    public BufferPins pins() {
        return pins;
    }

    public RingCounters counters() {
        return counters;
    }

    public SubscriberTable subscribers() {
        return subscribers;
    }

    public RecordLog log() {
        return log;
    }

    public PublicationTable publications() {
        return publications;
    }

    /** A releaser of pins for one user; null for an inline-only ring. */
    public PinReleaser newReleaser() {
        return pins == null ? null : new PinReleaser(log, counters, pins, name);
    }

    // ---------------------------------------------------------------- the publishing byte

    /**
     * Whether a live publication of this ring exists anywhere (exclusive or concurrent): an
     * exclusive probe of the publishing byte, which every publication holds (one exclusively,
     * the others shared), dropped at once. A byte this JVM holds counts as held.
     */
    public boolean publisherAlive() {
        FileLock probe = locks.tryLock(PUBLISHER_LOCK);
        if (probe == null) {
            return true;
        }
        ByteLocks.unlock(probe);
        return false;
    }

    /**
     * Takes the right to publish: exclusive, or shared with other concurrent publications.
     * Java file locks cannot overlap within one JVM, so concurrent publications of this JVM
     * share one shared OS lock, counted here. False if the other kind holds it anywhere.
     */
    public synchronized boolean enterPublishing(boolean concurrent) {
        if (concurrent && concurrentPublications > 0) {
            concurrentPublications++;
            return true;
        }
        // Stats and isConnected() probe this byte for a moment: a refusal is only final after a
        // short while of refusals.
        long deadline = System.nanoTime() + PUBLISHING_RETRY_NANOS;
        FileLock lock;
        while ((lock = concurrent ? locks.tryLockShared(PUBLISHER_LOCK) : locks.tryLock(PUBLISHER_LOCK)) == null) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(200_000);
        }
        publishing = lock;
        concurrentPublications = concurrent ? 1 : 0;
        return true;
    }

    public synchronized void leavePublishing(boolean concurrent) {
        if (concurrent && --concurrentPublications > 0) {
            return;
        }
        if (publishing != null) {
            if (!closed) {
                ByteLocks.unlock(publishing);
            }
            publishing = null;
        }
    }
}
