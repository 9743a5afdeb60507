package io.xmem.pool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;

/** Deterministic byte patterns and checksums, computed the same way in parent and child. */
final class Patterns {
    private Patterns() {
    }

    /** Fills the whole segment with the pattern of {@code seed}; returns its CRC-32. */
    static long fill(MemorySegment segment, long seed) {
        long size = segment.byteSize();
        long i = 0;
        for (; i + Long.BYTES <= size; i += Long.BYTES) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, i, mix(seed + i));
        }
        long last = mix(seed + i);
        for (; i < size; i++, last >>>= 8) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) last);
        }
        return crc(segment);
    }

    /** The CRC-32 a segment of {@code size} bytes filled with {@code seed} has. */
    static long expectedCrc(long size, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            return fill(arena.allocate(size), seed);
        }
    }

    static long crc(MemorySegment segment) {
        CRC32 crc = new CRC32();
        crc.update(segment.asByteBuffer());
        return crc.getValue();
    }

    /** SplitMix64's finaliser: neighbouring inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
