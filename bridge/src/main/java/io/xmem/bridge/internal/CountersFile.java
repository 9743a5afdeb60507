package io.xmem.bridge.internal;

import io.xmem.pool.XmemException;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.FileIo;
import io.xmem.pool.internal.shm.OpenFiles;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.xmem.bridge.internal.CountersDescriptor.*;

/**
 * The writer's side of a bridge's counters file ({@link CountersDescriptor}): maps it, holds its
 * lock byte while the bridge runs (through the shared-file layer's {@link ByteLocks}, the file
 * being its own lock file), and stores each counter with release for readers in other
 * processes. Registered with {@link OpenFiles}, so a reader in the same JVM reads through this
 * instance instead of opening (and, on close, unlocking) the file again. Single-threaded: only
 * the bridge's own thread writes.
 */
public final class CountersFile extends OpenFiles.Entry implements AutoCloseable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final VarHandle COUNTER = LONG.varHandle();
    private static final VarHandle STATE = ValueLayout.JAVA_INT.varHandle();

    private final Path path;
    private final Arena arena;
    private final ByteLocks locks;
    private final FileLock lock;
    private final MemorySegment file;

    private CountersFile(Path path, Arena arena, ByteLocks locks, FileLock lock, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.locks = locks;
        this.lock = lock;
        this.file = file;
    }

    /**
     * Creates the file, or takes over the one a previous bridge of the same role left (its
     * counters carry on); {@link XmemException} while another live bridge holds it.
     */
    public static CountersFile open(Path path, int role, int streamId, String channelUri) {
        if (OpenFiles.isOpen(path)) { // opening it again here and failing would drop that bridge's lock
            throw new XmemException("a bridge already runs on " + path + " in this process: stop it first; one "
                + "egress and one ingress per ring");
        }
        FileChannel ch = null;
        Arena arena = Arena.ofShared();
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ByteLocks locks = ByteLocks.over(path, ch);
            FileLock lock = locks.tryLock(0);
            if (lock == null) {
                throw new XmemException("a bridge already runs on " + path + " (pid " + peekPid(ch)
                    + "): stop it first; one egress and one ingress per ring");
            }
            MemorySegment file = mapAndFill(ch, arena, role, streamId, channelUri);
            CountersFile counters = new CountersFile(path, arena, locks, lock, file);
            return OpenFiles.created(path, () -> counters,
                e -> new XmemException("bridge counters file " + path + " vanished as it was made", e));
        } catch (IOException e) {
            FileIo.closeQuietly(ch);
            arena.close();
            throw new XmemException("cannot open bridge counters file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            FileIo.closeQuietly(ch);
            arena.close();
            throw e;
        }
    }

    private static MemorySegment mapAndFill(FileChannel ch, Arena arena, int role, int streamId, String channelUri)
        throws IOException {
        byte[] uri = channelUri.getBytes(StandardCharsets.UTF_8);
        int uriLength = Math.min(uri.length, MAX_CHANNEL_LENGTH); // shown by stat only: a long URI is cut
        boolean carryOn = ch.size() == FILE_LENGTH;
        if (!carryOn) {
            ch.truncate(0);
        }
        MemorySegment file = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_LENGTH, arena);
        carryOn = carryOn && file.get(ValueLayout.JAVA_INT, MAGIC_OFFSET) == MAGIC
            && file.get(ValueLayout.JAVA_INT, VERSION_OFFSET) == VERSION
            && file.get(ValueLayout.JAVA_INT, ROLE_OFFSET) == role;
        STATE.setRelease(file, (long) STATE_OFFSET, 0);
        if (!carryOn) { // new, or not a file we can trust: start the counters from scratch
            file.fill((byte) 0);
            file.set(LONG, LAST_SEQUENCE_OFFSET, -1L);
        }
        file.set(ValueLayout.JAVA_INT, MAGIC_OFFSET, MAGIC);
        file.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        file.set(ValueLayout.JAVA_INT, ROLE_OFFSET, role);
        file.set(LONG, PID_OFFSET, ProcessHandle.current().pid());
        file.set(LONG, START_TIME_OFFSET, System.currentTimeMillis());
        file.set(ValueLayout.JAVA_INT, STREAM_ID_OFFSET, streamId);
        file.asSlice(CHANNEL_OFFSET, MAX_CHANNEL_LENGTH).fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(uri), 0, file, CHANNEL_OFFSET, uriLength);
        file.set(ValueLayout.JAVA_INT, CHANNEL_LENGTH_OFFSET, uriLength);
        STATE.setRelease(file, (long) STATE_OFFSET, STATE_RUNNING); // the header before the state
        return file;
    }

    private static String peekPid(FileChannel ch) throws IOException {
        if (ch.size() < FILE_LENGTH) {
            return "unknown";
        }
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, PID_OFFSET);
        return Long.toString(b.getLong(0));
    }

    public long get(int offset) {
        return (long) COUNTER.getAcquire(file, (long) offset);
    }

    /** Stores a counter with release: the single writer needs no atomic add. */
    public void set(int offset, long value) {
        COUNTER.setRelease(file, (long) offset, value);
    }

    public void add(int offset, long delta) {
        set(offset, file.get(LONG, offset) + delta); // plain read: nobody else writes it
    }

    public void increment(int offset) {
        add(offset, 1);
    }

    /** A copy of the whole file, read through this process's own mapping. */
    public ByteBuffer snapshot() {
        ByteBuffer copy = ByteBuffer.allocate(FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment.ofBuffer(copy).copyFrom(file);
        return copy;
    }

    public Path path() {
        return path;
    }

    @Override
    public ByteLocks locks() {
        return locks;
    }

    /** Marks the bridge stopped and lets go of the file; it stays for {@code xmem stat} and a restart. */
    @Override
    public void close() {
        OpenFiles.close(this);
    }

    @Override
    protected void closeLast() {
        STATE.setRelease(file, (long) STATE_OFFSET, STATE_STOPPED);
        try {
            ByteLocks.unlock(lock);
        } catch (RuntimeException ignored) { // closing the channel below releases it anyway
        }
        locks.close();
        arena.close();
    }
}
