package com.example;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.RingConfig;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What the publisher and the subscriber agree on: the pool and the ring, and the bytes of frame
 * {@code n} (every byte a function of its frame number and place, so the subscriber checks what it
 * reads without being sent anything else).
 */
final class Frames {
    /** 64 KiB frames: well above the ring's inline limit, so each goes by reference. */
    static final int FRAME_BYTES = 64 * 1024;
    static final int FRAMES = 1000;

    /** Eight frames in flight at most: the publisher waits for a free buffer when all are pinned. */
    static final PoolConfig POOL = PoolConfig.builder().sizeClass(FRAME_BYTES, 8).build();

    private Frames() {
    }

    static RingConfig ring(String pool) {
        return RingConfig.builder().capacity(64 * 1024).pool(pool).build();
    }

    static void fill(MemorySegment frame, long n) {
        for (long i = 0; i < frame.byteSize(); i += Long.BYTES) {
            frame.set(ValueLayout.JAVA_LONG_UNALIGNED, i, n * 31 + i);
        }
    }

    static boolean check(MemorySegment frame, long n) {
        for (long i = 0; i < frame.byteSize(); i += Long.BYTES) {
            if (frame.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != n * 31 + i) {
                return false;
            }
        }
        return frame.byteSize() == FRAME_BYTES;
    }
}
