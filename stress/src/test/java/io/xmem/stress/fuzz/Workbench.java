package io.xmem.stress.fuzz;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.ExclusivePublication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real files for the fuzz targets, made by the code itself: in a directory of this JVM's own
 * under {@code /dev/shm} (deleted at exit), a pool and a ring used as a program uses them —
 * inline records of several lengths, buffer references, padding at the log's end, one
 * subscriber ahead and one behind, a buffer held — and copied byte for byte while all of that
 * is open, as a process killed at that moment leaves them: subscriber and participant entries
 * ACTIVE without a live owner, holder bits and pins set. Each input writes the copies back
 * (the one under test damaged) as new files and opens them.
 */
final class Workbench {
    static final String POOL = "pool";
    static final String RING = "ring";
    static final int BUFFER = 256;
    static final int CAPACITY = 4096;

    final Path dir;
    final byte[] poolFile;
    final byte[] ringFile;
    /** Tokens the copied records and the held buffer carry. */
    final List<Long> tokens = new ArrayList<>();
    /** The ring's tail and its subscribers' positions at the copy. */
    final List<Long> positions = new ArrayList<>();

    private Workbench(Path dir, boolean lossy) {
        this.dir = dir;
        try (BufferPool pool = BufferPool.create(POOL, PoolConfig.builder().directory(dir).maxParticipants(4)
                 .sizeClass(BUFFER, 8).sizeClass(4 * BUFFER, 4).build());
             Ring ring = Ring.create(RING, RingConfig.builder().directory(dir).pool(POOL).capacity(CAPACITY)
                 .maxSubscribers(4).lossy(lossy).build());
             ExclusivePublication publication = ring.publication();
             Subscription ahead = ring.subscription();
             Subscription behind = ring.subscription();
             Buffer held = pool.acquire(BUFFER)) {
            tokens.add(held.token());
            for (int i = 0; i < 40; i++) {
                if (i % 3 == 0) {
                    try (Buffer b = pool.acquire(i % 2 == 0 ? BUFFER : 3 * BUFFER)) {
                        b.segment().fill((byte) i);
                        tokens.add(b.token());
                        publication.offer(b, 1, b.length() - 1, i, i * 7L);
                    }
                } else {
                    publication.offer(MemorySegment.ofArray(new byte[i * 13 % 300]));
                }
                // the reliable ring needs its readers to pass: the one behind reads every other turn
                ahead.poll(m -> m.segment().get(ValueLayout.JAVA_BYTE, 0), 8);
                if (i % 2 == 0 || i > 30) {
                    behind.poll(m -> { }, 2);
                }
            }
            positions.add(ring.tail());
            for (long p : ring.subscriberPositions()) {
                positions.add(p);
            }
            poolFile = read(pool.path());
            ringFile = read(Ring.files(RING, dir).getFirst());
        }
        BufferPool.delete(POOL, dir);
        Ring.delete(RING, dir);
    }

    /** Makes the files in a fresh directory that is deleted at exit. */
    static Workbench make(boolean lossy) {
        try {
            Path dir = Files.createTempDirectory(PoolConfig.DEFAULT_DIRECTORY, "xmem-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "delete " + dir));
            return new Workbench(dir, lossy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes both files back as new files (new inodes: nothing of the last input's mappings is reused). */
    void lay(byte[] pool, byte[] ring) {
        write(BufferPool.files(POOL, dir).getFirst(), pool);
        write(Ring.files(RING, dir).getFirst(), ring);
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.deleteIfExists(file);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // at exit: nothing else to do about it
        }
    }
}
