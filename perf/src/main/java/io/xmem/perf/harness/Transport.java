package io.xmem.perf.harness;

import java.util.List;
import java.util.Map;

/**
 * A messaging system under test, seen from one process: the harness starts a publisher
 * process and one or more subscriber processes, and each builds its side through this
 * interface. Every implementation moves the same messages: {@code length} bytes whose first
 * 16 are a {@link System#nanoTime()} send timestamp and a sequence number (little-endian
 * longs), the rest a payload the publisher owns before sending.
 *
 * <p>Fairness rules every implementation follows and states in its Javadoc: a copying system
 * copies the whole payload from the publisher's memory into the transport, and the
 * subscriber sees it in the transport's memory; the subscriber reads the 16-byte header and
 * touches the payload's last 8 bytes (so nothing is merely announced); no implementation
 * allocates per message in steady state.
 */
public interface Transport {
    /** Short name used on the command line and in reports, e.g. {@code agrona-ring}. */
    String name();

    /** Whether one publisher can feed several subscriber processes (each sees every message). */
    boolean supportsFanOut();

    /** The largest message this transport can carry in one piece, in bytes. */
    int maxMessageLength(RunSpec spec);

    /**
     * Called once in the harness (parent) process before any child starts: create shared files,
     * a media driver directory, sockets paths... Returns what children need to find them, as
     * {@code key=value} strings passed on their command line.
     */
    Map<String, String> prepare(RunSpec spec) throws Exception;

    /** Called once in the harness process after every child has exited: delete what prepare made. */
    void cleanUp(RunSpec spec, Map<String, String> prepared) throws Exception;

    /**
     * JVM options this transport needs in its child processes, on top of the harness's common set
     * ({@code ChildFlags.COMMON}); printed in the report. Default: none.
     */
    default List<String> childJvmFlags() {
        return List.of();
    }

    Publisher publisher(RunSpec spec, Map<String, String> prepared) throws Exception;

    Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) throws Exception;

    /** The sending side. Single-threaded. */
    interface Publisher extends AutoCloseable {
        /**
         * Sends one message of {@code length} bytes stamped with {@code timestampNanos} and
         * {@code sequence}; returns false when back-pressured (the caller retries, counting it).
         */
        boolean offer(long timestampNanos, long sequence, int length);

        @Override
        void close() throws Exception;
    }

    /** The receiving side. Single-threaded. */
    interface Subscriber extends AutoCloseable {
        /** Delivers up to {@code limit} messages to {@code handler}; returns how many. */
        int poll(MessageHandler handler, int limit);

        @Override
        void close() throws Exception;
    }

    @FunctionalInterface
    interface MessageHandler {
        void onMessage(long timestampNanos, long sequence, int length);
    }
}
