package io.xmem.ring;

import java.util.List;

/**
 * A snapshot of a ring's counters, read from the shared file (so any process can take it):
 * the tail, records published, times a publisher was back-pressured, times a subscriber was
 * overtaken in a lossy ring, and per subscriber its position, lag and losses.
 */
public record RingStats(String name, long capacity, boolean lossy, long tail, long published, long backPressured,
                        long laps, List<SubscriberStats> subscribers) {

    /**
     * One subscriber entry in use: {@code lag} is how many bytes of log it has still to read;
     * {@code alive} is false once its process is gone (its entry is cleared by the next
     * publisher that needs the room).
     */
    public record SubscriberStats(int index, long pid, boolean alive, long position, long lag, long lost) {
    }
}
