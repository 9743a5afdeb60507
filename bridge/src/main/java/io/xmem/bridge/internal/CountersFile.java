package io.xmem.bridge.internal;

import io.xmem.pool.XmemException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.xmem.bridge.internal.CountersDescriptor.*;

/**
 * The writer's side of a bridge's counters file ({@link CountersDescriptor}): maps it, holds its
 * lock while the bridge runs, and stores each counter with release for readers in other
 * processes. Single-threaded: only the bridge's own thread writes.
 */
public final class CountersFile implements AutoCloseable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final VarHandle COUNTER = LONG.varHandle();
    private static final VarHandle STATE = ValueLayout.JAVA_INT.varHandle();

    private final Path path;
    private final Arena arena;
    private final FileChannel channel;
    private final FileLock lock;
    private final MemorySegment file;

    private CountersFile(Path path, Arena arena, FileChannel channel, FileLock lock, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /**
     * Creates the file, or takes over the one a previous bridge of the same role left (its
     * counters carry on); {@link XmemException} while another live bridge holds it.
     */
    public static CountersFile open(Path path, int role, int streamId, String channelUri) {
        byte[] uri = channelUri.getBytes(StandardCharsets.UTF_8);
        int uriLength = Math.min(uri.length, MAX_CHANNEL_LENGTH); // shown by stat only: a long URI is cut
        FileChannel ch = null;
        Arena arena = Arena.ofShared();
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock(0, 1, false);
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM already runs that bridge
            }
            if (lock == null) {
                throw new XmemException("a bridge already runs on " + path + " (pid " + peekPid(ch)
                    + "): stop it first; one egress and one ingress per ring");
            }
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
            return new CountersFile(path, arena, ch, lock, file);
        } catch (IOException e) {
            closeQuietly(ch);
            arena.close();
            throw new XmemException("cannot open bridge counters file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            arena.close();
            throw e;
        }
    }

    private static String peekPid(FileChannel ch) throws IOException {
        if (ch.size() < FILE_LENGTH) {
            return "unknown";
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
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
    public java.nio.ByteBuffer snapshot() {
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(FILE_LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        MemorySegment.ofBuffer(copy).copyFrom(file);
        return copy;
    }

    public Path path() {
        return path;
    }

    /** Marks the bridge stopped and lets go of the file; it stays for {@code xmem stat} and a restart. */
    @Override
    public void close() {
        STATE.setRelease(file, (long) STATE_OFFSET, STATE_STOPPED);
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) { // the channel's close below releases it anyway
        }
        closeQuietly(channel);
        arena.close();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) { // nothing left to do with it
            }
        }
    }
}
