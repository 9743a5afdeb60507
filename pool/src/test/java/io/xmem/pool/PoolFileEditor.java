package io.xmem.pool;

import io.xmem.pool.internal.ParticipantDescriptor;
import io.xmem.pool.internal.PoolHeaderDescriptor;
import io.xmem.pool.internal.SizeClassDescriptor;
import io.xmem.pool.internal.SlotDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and damages a pool file the way another (buggy or hostile) process could, with plain
 * positional file I/O. Offsets come from the descriptor classes and from the file's own
 * header, never from numbers written here. Touches only the {@code .pool} file: opening and
 * closing the lock file would drop this JVM's participant locks (POSIX locks are per process).
 */
final class PoolFileEditor {
    private final Path file;

    PoolFileEditor(Path file) {
        this.file = file;
    }

    static PoolFileEditor of(String poolName) {
        return new PoolFileEditor(PoolFixture.poolFile(poolName));
    }

    long readLong(long offset) {
        return read(offset, Long.BYTES).getLong(0);
    }

    int readInt(long offset) {
        return read(offset, Integer.BYTES).getInt(0);
    }

    void writeLong(long offset, long value) {
        write(offset, buffer(Long.BYTES).putLong(0, value));
    }

    void writeInt(long offset, int value) {
        write(offset, buffer(Integer.BYTES).putInt(0, value));
    }

    void writeBytes(long offset, byte[] bytes, int from, int length) {
        write(offset, ByteBuffer.wrap(bytes, from, length).slice());
    }

    /** Where slot {@code slot}'s 64-byte line starts, from the header's slot table offset. */
    long slotLine(int slot) {
        return readLong(PoolHeaderDescriptor.SLOT_TABLE_OFFSET_OFFSET) + (long) slot * SlotDescriptor.LENGTH;
    }

    /** Where participant entry {@code index} starts. */
    long participantEntry(int index) {
        return readLong(PoolHeaderDescriptor.PARTICIPANT_TABLE_OFFSET_OFFSET)
            + (long) index * ParticipantDescriptor.LENGTH;
    }

    /** Where the size class table entry {@code sizeClass} starts. */
    long sizeClassEntry(int sizeClass) {
        return readLong(PoolHeaderDescriptor.SIZE_CLASS_TABLE_OFFSET_OFFSET)
            + (long) sizeClass * SizeClassDescriptor.LENGTH;
    }

    long slotLengthOffset(long token) {
        return slotLine(SlotDescriptor.tokenSlot(token)) + SlotDescriptor.LENGTH_OFFSET;
    }

    void truncate(long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long size() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer read(long offset, int size) {
        ByteBuffer b = buffer(size);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new IllegalStateException(file + " ends before byte " + (offset + size));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    private void write(long offset, ByteBuffer b) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
