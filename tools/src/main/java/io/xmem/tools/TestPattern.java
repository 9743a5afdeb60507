package io.xmem.tools;

import io.xmem.ring.Message;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * The video frames ({@code --payload video}, {@code examples/run video}): 1920 × 1080 RGB, 3
 * bytes a pixel, rows top to bottom, a moving test pattern whose every byte is a function of (x, y,
 * frame number), so any reader in any language can check a frame without being sent a copy:
 *
 * <pre>
 *   R = (x + 4f) mod 256                       a ramp scrolling left
 *   G = (y + 2f) mod 256                       ramp scrolling up
 *   B = 255 if (x - 8f) mod 1920 < 64          a white-blue bar moving right
 *       else (x xor y) mod 256
 * </pre>
 * The same formula is in {@code examples/python/xmem_ring_reader.py}. The frame number is the
 * record's sequence number; a reference's timestamp is its publish time, for the handoff latency.
 * A subscriber checks every row in place and keeps the mean of each channel (every 8th row).
 */
public final class TestPattern implements FramePayload {
    public static final int WIDTH = 1920;
    public static final int HEIGHT = 1080;
    public static final int ROW_BYTES = WIDTH * 3;
    public static final int FRAME_BYTES = ROW_BYTES * HEIGHT; // 6,220,800
    static final String KIND = "video";
    static final int BAR_WIDTH = 64;
    private static final int SAMPLE_EVERY_ROWS = 8;

    private final byte[] row = new byte[ROW_BYTES];
    private final double[] mean = new double[3];
    private long lastFrame = -1;

    /** Row {@code y} of frame {@code frame} into {@code row} ({@link #ROW_BYTES} long). */
    public static void row(long frame, int y, byte[] row) {
        int f = (int) (frame & 0xFFFF_FFFFL);
        byte g = (byte) (y + 2 * f);
        int bar = Math.floorMod(8L * f, WIDTH);
        for (int x = 0, i = 0; x < WIDTH; x++, i += 3) {
            row[i] = (byte) (x + 4 * f);
            row[i + 1] = g;
            row[i + 2] = Math.floorMod(x - bar, WIDTH) < BAR_WIDTH ? (byte) 255 : (byte) (x ^ y);
        }
    }

    /** Renders frame {@code frame} into {@code target} (at least {@link #FRAME_BYTES}); {@code row} is scratch. */
    static void render(MemorySegment target, long frame, byte[] row) {
        for (int y = 0; y < HEIGHT; y++) {
            row(frame, y, row);
            MemorySegment.copy(row, 0, target, ValueLayout.JAVA_BYTE, (long) y * ROW_BYTES, ROW_BYTES);
        }
    }

    /**
     * Checks frame {@code frame} in place, row by row against the formula; returns the first row
     * that differs, or -1. {@code row} is scratch.
     */
    static int firstBadRow(MemorySegment frameBytes, long frame, byte[] row) {
        if (frameBytes.byteSize() != FRAME_BYTES) {
            return 0;
        }
        MemorySegment expected = MemorySegment.ofArray(row);
        for (int y = 0; y < HEIGHT; y++) {
            row(frame, y, row);
            if (frameBytes.asSlice((long) y * ROW_BYTES, ROW_BYTES).mismatch(expected) != -1) {
                return y;
            }
        }
        return -1;
    }

    @Override
    public boolean isInline(long seq) {
        return false;
    }

    @Override
    public long length(long seq) {
        return FRAME_BYTES;
    }

    /** Renders the frame; its timestamp is the time it is ready to publish. */
    @Override
    public long fill(MemorySegment target, long seq) {
        render(target, seq, row);
        return System.nanoTime();
    }

    @Override
    public String check(Message message, long seq) {
        MemorySegment pixels = message.segment(); // borrowed in place: the ring's pin keeps it
        if (pixels.byteSize() != FRAME_BYTES) {
            return "a frame of " + pixels.byteSize() + " bytes, not " + FRAME_BYTES;
        }
        int badRow = firstBadRow(pixels, seq, row);
        if (badRow >= 0) {
            return "row " + badRow + " does not match the test pattern";
        }
        sampleMeans(pixels);
        lastFrame = seq;
        return null;
    }

    @Override
    public long publishTime(Message message) {
        return message.timestamp();
    }

    @Override
    public String note() {
        return lastFrame < 0 ? "" : String.format(Locale.ROOT, "frame %d: mean R %.1f G %.1f B %.1f", lastFrame,
            mean[0], mean[1], mean[2]);
    }

    /** The mean of each channel over every 8th row: the "statistics" of the frame. */
    private void sampleMeans(MemorySegment pixels) {
        long[] sums = new long[3];
        long samples = 0;
        for (int y = 0; y < HEIGHT; y += SAMPLE_EVERY_ROWS) {
            MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) y * ROW_BYTES, row, 0, ROW_BYTES);
            for (int i = 0; i < row.length; i += 3) {
                sums[0] += row[i] & 0xFF;
                sums[1] += row[i + 1] & 0xFF;
                sums[2] += row[i + 2] & 0xFF;
            }
            samples += WIDTH;
        }
        for (int c = 0; c < 3; c++) {
            mean[c] = (double) sums[c] / samples;
        }
    }
}
