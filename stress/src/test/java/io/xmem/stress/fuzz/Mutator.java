package io.xmem.stress.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.xmem.pool.internal.shm.FilePrefixDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Damages a copy of a real xmem file the way the fuzzer's input says, in terms of the file's
 * structure rather than of raw bytes, so that coverage-guided mutation reaches the validation of
 * each table quickly: the input picks a region (a header, the counters, one entry of a table,
 * one record), a field in it at a multiple of its width, and a value from the values that
 * matter there (zero, minus one, the extremes, the file's own lengths, positions and tokens, one
 * off each) or any value. A few inputs overwrite raw bytes or change the file's length instead.
 *
 * <p>The file's first 32 bytes (magic and state) are never left saying "still being created":
 * an opener then waits 5 s for its creator by design ({@code SharedFile.READY_TIMEOUT_MILLIS},
 * tested in the modules' own tests), which would make every such input a hang to the fuzzer.
 */
final class Mutator {
    /** A part of the file: {@code count} entries of {@code stride} bytes from {@code start}. */
    record Region(String name, long start, long stride, int count) {
    }

    private final List<Region> regions = new ArrayList<>();
    private final List<Long> interesting = new ArrayList<>(List.of(0L, 1L, -1L, 2L, 24L, 31L, 32L, 64L, 255L, 256L,
        4096L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40,
        1L << 48));

    /** Adds a region the fuzzer may aim at. */
    Mutator region(String name, long start, long stride, int count) {
        if (count > 0 && stride > 0) {
            regions.add(new Region(name, start, stride, count));
        }
        return this;
    }

    /** Adds values of the file's own (lengths, offsets, positions, tokens) and each one off. */
    Mutator values(long... values) {
        for (long v : values) {
            interesting.addAll(List.of(v, v + 1, v - 1, v + 32, v - 32));
        }
        return this;
    }

    /** Applies up to 8 mutations the input chooses to a copy of {@code file}. */
    private byte[] mutate(byte[] file, FuzzedDataProvider data) {
        byte[] bytes = file;
        int mutations = data.consumeInt(1, 8);
        for (int i = 0; i < mutations && data.remainingBytes() > 0; i++) {
            int kind = data.consumeInt(0, 15);
            if (kind == 0) {
                int length = data.consumeInt(0, bytes.length * 2);
                bytes = Arrays.copyOf(bytes, Math.max(FilePrefixDescriptor.LENGTH, length)); // cut short or grown
            } else if (kind == 1) {
                byte[] raw = data.consumeBytes(data.consumeInt(1, 16));
                int at = data.consumeInt(0, Math.max(0, bytes.length - raw.length));
                System.arraycopy(raw, 0, bytes, at, Math.min(raw.length, bytes.length - at));
            } else {
                field(bytes, data);
            }
        }
        return bytes;
    }

    private void field(byte[] bytes, FuzzedDataProvider data) {
        Region region = data.pickValue(regions);
        int entry = data.consumeInt(0, region.count() - 1);
        int width = data.pickValue(new int[] {8, 4, 1});
        long at = region.start() + entry * region.stride() + width * (long) data.consumeInt(0,
            (int) (region.stride() / width) - 1);
        long value = data.consumeBoolean() ? data.pickValue(interesting) : data.consumeLong();
        if (at < 0 || at + width > bytes.length) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 8 -> b.putLong((int) at, value);
            case 4 -> b.putInt((int) at, (int) value);
            default -> b.put((int) at, (byte) value);
        }
    }

    /**
     * A copy of {@code file} damaged as the input says, or null if an opener would wait 5 s for
     * its creator (see the class comment): the target skips such an input.
     */
    byte[] damage(byte[] file, FuzzedDataProvider data) {
        byte[] bytes = mutate(file.clone(), data);
        return looksUnfinished(bytes) ? null : bytes;
    }

    /** Whether an opener would wait for a creator (zero magic or state, or a prefix cut short). */
    private static boolean looksUnfinished(byte[] bytes) {
        if (bytes.length < FilePrefixDescriptor.LENGTH) {
            return true;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return b.getLong(FilePrefixDescriptor.MAGIC_OFFSET) == 0
            || b.getInt(FilePrefixDescriptor.STATE_OFFSET) == FilePrefixDescriptor.STATE_INITIALISING;
    }
}
