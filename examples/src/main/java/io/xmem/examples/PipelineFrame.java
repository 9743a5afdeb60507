package io.xmem.examples;

import io.xmem.ring.Message;
import io.xmem.tools.EndOfStream;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The frames of {@link PipelineCommand}: what the decoder writes, what the filter does to it, and
 * the recorder's check. A frame is 8-byte words; word {@code i} of frame {@code n} is
 * {@code seed(n) + i * STEP} (a different, repeatable picture per frame number), and the filter adds
 * {@link #FILTER_DELTA} to every word. The transform is counted, not just seen: a word that is
 * {@code k * FILTER_DELTA} above the decoder's value was filtered {@code k} times, so the recorder
 * tells a frame the filter skipped (0) or modified twice (2) from a good one (1).
 */
final class PipelineFrame {
    /** What the filter adds to each word. */
    static final long FILTER_DELTA = 1;
    private static final long STEP = 0x9E3779B97F4A7C15L;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private PipelineFrame() {
    }

    /** The decoder's value of word {@code index} of frame {@code frame}. */
    static long decoded(long frame, long index) {
        return seed(frame) + index * STEP;
    }

    /** SplitMix64's finalizer: neighbouring frame numbers get unrelated pictures. */
    private static long seed(long frame) {
        long z = frame * STEP;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * How many frames the decoder made, from the {@link EndOfStream} record that ends each ring of the
     * pipeline; frames travel by reference, so any other inline record is an {@link Examples.ExampleFailure}.
     */
    static long framesBefore(Message end) {
        long frames = EndOfStream.records(end);
        if (frames < 0) {
            throw new Examples.ExampleFailure("an inline record of " + end.length() + " bytes is no frame");
        }
        return frames;
    }

    /** The decoder: writes frame {@code frame} into {@code bytes}. */
    static void decode(MemorySegment bytes, long frame) {
        long value = seed(frame);
        for (long at = 0; at + Long.BYTES <= bytes.byteSize(); at += Long.BYTES, value += STEP) {
            bytes.set(WORD, at, value);
        }
    }

    /** The filter: adds {@link #FILTER_DELTA} to every word, in place. */
    static void filter(MemorySegment bytes) {
        for (long at = 0; at + Long.BYTES <= bytes.byteSize(); at += Long.BYTES) {
            bytes.set(WORD, at, bytes.get(WORD, at) + FILTER_DELTA);
        }
    }

    /**
     * Null when {@code bytes} is frame {@code frame}, decoded and filtered exactly once; otherwise
     * what is wrong with it, in words ("filtered 2 times", "word 17 is ...").
     */
    static String problem(MemorySegment bytes, long frame) {
        long words = bytes.byteSize() / Long.BYTES;
        if (words == 0) {
            return "empty";
        }
        long times = (bytes.get(WORD, 0) - decoded(frame, 0)) / FILTER_DELTA;
        long expected = seed(frame) + times * FILTER_DELTA;
        for (long i = 0; i < words; i++, expected += STEP) {
            long word = bytes.get(WORD, i * Long.BYTES);
            if (word != expected) {
                return "word " + i + " is 0x" + Long.toHexString(word) + " where frame " + frame + ", filtered "
                    + times + " time" + (times == 1 ? "" : "s") + " as word 0 says, has 0x" + Long.toHexString(expected)
                    + ": not this frame, or damaged";
            }
        }
        return times == 1 ? null : "filtered " + times + " times instead of once";
    }
}
