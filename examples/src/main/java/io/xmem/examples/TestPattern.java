package io.xmem.examples;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The video example's frames: 1920 × 1080 RGB, 3 bytes a pixel, rows top to bottom, a moving test
 * pattern whose every byte is a function of (x, y, frame number), so any reader in any language
 * can check a frame without being sent a copy:
 *
 * <pre>
 *   R = (x + 4f) mod 256                       a ramp scrolling left
 *   G = (y + 2f) mod 256                       ramp scrolling up
 *   B = 255 if (x - 8f) mod 1920 < 64          a white-blue bar moving right
 *       else (x xor y) mod 256
 * </pre>
 * The same formula is in {@code examples/python/xmem_ring_reader.py}.
 */
final class TestPattern {
    static final int WIDTH = 1920;
    static final int HEIGHT = 1080;
    static final int ROW_BYTES = WIDTH * 3;
    static final int FRAME_BYTES = ROW_BYTES * HEIGHT; // 6,220,800
    static final int BAR_WIDTH = 64;

    private TestPattern() {
    }

    /** Row {@code y} of frame {@code frame} into {@code row} ({@link #ROW_BYTES} long). */
    static void row(long frame, int y, byte[] row) {
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
}
