package io.xmem.ring;

import java.util.List;

/**
 * A snapshot of a ring's counters, read from the shared file (so any process can take it):
 * the tail, records published, times a publisher was back-pressured, times a subscriber was
 * overtaken in a lossy ring, per subscriber its position, lag and losses, and who publishes.
 */
public record RingStats(String name, long capacity, boolean lossy, long tail, long published, long backPressured,
                        long laps, List<SubscriberStats> subscribers, List<PublisherStats> publishers) {

    /** Without publisher rows. */
    public RingStats(String name, long capacity, boolean lossy, long tail, long published, long backPressured,
                     long laps, List<SubscriberStats> subscribers) {
        this(name, capacity, lossy, tail, published, backPressured, laps, subscribers, List.of());
    }

    /**
     * One subscriber entry in use: {@code lag} is how many bytes of log it has still to read;
     * {@code alive} is false once its process is gone (its entry is cleared by the next
     * publisher that needs the room); {@code evicted} once it held a publisher back longer than
     * the ring's subscriber timeout, or an operator evicted it ({@code lag} is then how far
     * behind it was when evicted); {@code label} is its process's {@code -Dxmem.label}, main
     * class or jar.
     */
    public record SubscriberStats(int index, long pid, boolean alive, long position, long lag, long lost,
                                  boolean evicted, String label) {
        /** Not evicted, without a label. */
        public SubscriberStats(int index, long pid, boolean alive, long position, long lag, long lost) {
            this(index, pid, alive, position, lag, lost, false, "");
        }
    }

    /**
     * One publication: {@code concurrent} false for the exclusive publication; {@code id} the
     * concurrent publication's id (1..64, 0 for the exclusive one); {@code holdsTurn} whether it
     * holds the concurrent publications' turn at this moment (it is writing a record, or a claim).
     */
    public record PublisherStats(int id, long pid, String label, boolean alive, boolean concurrent,
                                 boolean holdsTurn) {
    }
}
