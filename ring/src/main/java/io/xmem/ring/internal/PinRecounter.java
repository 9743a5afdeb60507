package io.xmem.ring.internal;

import io.xmem.pool.XmemException;
import io.xmem.pool.internal.MappedPool;
import io.xmem.pool.internal.shm.FilePrefixDescriptor;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.SharedFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * Reads, in every ring of one pool, which records still own a pin: each reference record from
 * the ring's release position up to its last committed record (the tail, or past it where a
 * publisher died after a commit and before moving the tail). Run only while no other process is
 * in the pool ({@link MappedPool#withOthersLockedOut}), so that nothing moves while it reads; the
 * pool then brings each slot's pins down to that count ({@link MappedPool#correctPins}).
 */
public final class PinRecounter {
    private final long[] none = new long[0];
    private long[] tokens = none;
    private int count;
    private final List<String> rings = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** Counts the reference records of every ring in {@code directory} whose pool is {@code poolId}. */
    public void countRingsOf(long poolId, Path directory) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + RingFiles.FORMAT.suffix())) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                names.add(file.substring(0, file.length() - RingFiles.FORMAT.suffix().length()));
            }
        } catch (IOException e) {
            problems.add("cannot list the rings in " + directory + ": " + e.getMessage());
            return;
        }
        for (String name : names) {
            if (!isReady(RingFiles.FORMAT.path(directory, name))) {
                continue; // being made (by a process of another pool: ours are locked out), or never: no records
            }
            MappedFile<RingLayout> mapped;
            try {
                mapped = SharedFile.open(RingFiles.FORMAT, directory, name, true, RingLayout::read);
            } catch (XmemException e) {
                problems.add("ring '" + name + "' cannot be read: " + e.getMessage());
                continue;
            }
            try {
                if (mapped.layout().poolId() == poolId) {
                    rings.add(name);
                    count(name, mapped);
                }
            } finally {
                mapped.close();
            }
        }
    }

    /** Whether a ring file's prefix says READY, read without waiting (opening waits for it). */
    private static boolean isReady(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(FilePrefixDescriptor.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            while (prefix.hasRemaining() && channel.read(prefix) > 0) {
                // a short read of a file being made: judged below
            }
            return !prefix.hasRemaining()
                && prefix.getInt(FilePrefixDescriptor.STATE_OFFSET) == FilePrefixDescriptor.STATE_READY;
        } catch (IOException e) {
            return false; // deleted meanwhile
        }
    }

    private void count(String name, MappedFile<RingLayout> mapped) {
        RecordLog log = new RecordLog(mapped.segment(), mapped.layout(), name);
        RingCounters counters = new RingCounters(mapped.segment());
        try {
            long release = log.checkedPosition(counters.releasePositionVolatile(), "release position");
            long tail = log.checkedPosition(counters.tailAcquire(), "tail");
            if (tail < release || tail - release > log.capacity()) {
                problems.add("ring '" + name + "': release position " + release + " and tail " + tail + " are not "
                    + "within one log");
                return;
            }
            long p = release;
            while (p - release < log.capacity()) {
                long record = log.recordAt(p);
                if (log.commitAcquire(record) != p) {
                    if (p < tail) {
                        problems.add("ring '" + name + "': no committed record at " + p + " below the tail " + tail);
                    }
                    return; // the end of what was committed
                }
                long header = log.lengthAndTypePlain(record);
                int length = RecordLog.length(header);
                if (!log.fits(p, length)) {
                    problems.add("ring '" + name + "': a record of length " + length + " at " + p);
                    return;
                }
                if (isReference(RecordLog.type(header))) {
                    add(log.referencePlain(record, REF_TOKEN_OFFSET));
                }
                p += aligned(length);
            }
        } catch (XmemException e) {
            problems.add("ring '" + name + "': " + e.getMessage());
        }
    }

    private void add(long token) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(64, count * 2));
        }
        tokens[count++] = token;
    }

    public long[] tokens() {
        return tokens;
    }

    public int count() {
        return count;
    }

    public List<String> rings() {
        return List.copyOf(rings);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
