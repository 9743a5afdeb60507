package io.xmem.perf.harness.peers.uds;

import io.xmem.perf.harness.MessageLayout;
import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * JDK Unix-domain stream sockets ({@link SocketChannel} on a {@link UnixDomainSocketAddress}),
 * non-blocking on both sides, frames prefixed by a 4-byte little-endian length: what a user gets
 * from the JDK alone. Default socket buffer sizes.
 *
 * <p>Fairness: the publisher builds each frame in its own direct buffer and {@code write}s all of
 * it (the kernel copies it into the socket, and again into the subscriber's receive buffer); the
 * subscriber reads the header and the last 8 bytes in its receive buffer. A {@code write} that
 * takes nothing is back-pressure ({@code offer} returns false); a frame partly written stays the
 * message in progress, and the caller's retry of the same message continues it.
 *
 * <p>Fan-out: the publisher listens on one path and accepts one connection per subscriber, then
 * writes every frame to each connection in turn (one copy per subscriber). Nothing is allocated
 * per message.
 */
public final class UdsTransport implements Transport {
    private static final int PREFIX = 4;
    private static final long CONNECT_TIMEOUT_NANOS = 60_000_000_000L;

    @Override
    public String name() {
        return "uds";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public int maxMessageLength(RunSpec spec) {
        return 256 * 1024 * 1024; // receive buffers hold two frames; beyond this the heap flags would need raising
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) {
        // socket paths are limited to 107 bytes: a short name in /tmp, not the work directory
        return Map.of("path", Path.of(System.getProperty("java.io.tmpdir"), "xmem-perf-" + spec.runId() + ".sock")
            .toString());
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) throws IOException {
        Files.deleteIfExists(Path.of(prepared.get("path")));
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(prepared.get("path"));
        SocketChannel[] connections = new SocketChannel[spec.subscribers()];
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            server.configureBlocking(false);
            long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
            for (int accepted = 0; accepted < connections.length; ) {
                SocketChannel ch = server.accept();
                if (ch != null) {
                    ch.configureBlocking(false);
                    connections[accepted++] = ch;
                } else if (System.nanoTime() > deadline) {
                    throw new IOException("uds: only " + accepted + " of " + connections.length
                        + " subscribers connected to " + address + " within 60 s");
                } else {
                    sleepMillis(1);
                }
            }
        } finally {
            Files.deleteIfExists(address.getPath()); // connections live on; the path is not needed any more
        }
        return new SocketPublisher(connections, spec.messageLength());
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(prepared.get("path"));
        long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(address);
                ch.configureBlocking(false);
                return new SocketSubscriber(ch, spec.messageLength());
            } catch (IOException e) {
                ch.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("uds: no publisher listening on " + address + " within 60 s", e);
                }
                sleepMillis(1); // the publisher's process has not bound the path yet
            }
        }
    }

    private static void sleepMillis(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static final class SocketPublisher implements Publisher {
        private final SocketChannel[] connections;
        private final ByteBuffer frame;
        private int connection; // connections before this one already have the whole frame
        private int written;    // bytes of the frame already written to the current connection

        SocketPublisher(SocketChannel[] connections, int maxLength) {
            this.connections = connections;
            this.frame = ByteBuffer.allocateDirect(PREFIX + maxLength).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < maxLength; i++) {
                frame.put(PREFIX + i, MessageLayout.patternByte(i));
            }
        }

        @Override
        public boolean offer(long timestampNanos, long sequence, int length) {
            if (connection == 0 && written == 0) {
                frame.putInt(0, length);
                frame.putLong(PREFIX + MessageLayout.TIMESTAMP_OFFSET, timestampNanos);
                frame.putLong(PREFIX + MessageLayout.SEQUENCE_OFFSET, sequence);
            }
            try {
                while (connection < connections.length) {
                    frame.limit(PREFIX + length).position(written);
                    int n = connections[connection].write(frame);
                    if (n == 0) {
                        return false; // socket buffer full: back-pressure; the retry continues here
                    }
                    written += n;
                    if (written == PREFIX + length) {
                        connection++;
                        written = 0;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("uds: write failed", e);
            }
            connection = 0;
            return true;
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel ch : connections) {
                ch.close();
            }
        }
    }

    private static final class SocketSubscriber implements Subscriber {
        private final SocketChannel channel;
        private final ByteBuffer receive;
        private int readPosition;  // start of the first undelivered frame
        private int writePosition; // end of the bytes received
        private long touched;      // a field store, so the JIT cannot drop the read of the last 8 bytes

        SocketSubscriber(SocketChannel channel, int maxLength) {
            this.channel = channel;
            this.receive = ByteBuffer.allocateDirect(Math.max(1 << 20, 2 * (PREFIX + maxLength)))
                .order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public int poll(MessageHandler handler, int limit) {
            int delivered = 0;
            boolean readOnce = false;
            while (delivered < limit) {
                int available = writePosition - readPosition;
                if (available >= PREFIX) {
                    int length = receive.getInt(readPosition);
                    if (available >= PREFIX + length) {
                        int message = readPosition + PREFIX;
                        long timestamp = receive.getLong(message + MessageLayout.TIMESTAMP_OFFSET);
                        long sequence = receive.getLong(message + MessageLayout.SEQUENCE_OFFSET);
                        touched += receive.getLong(message + MessageLayout.touchOffset(length));
                        readPosition += PREFIX + length;
                        delivered++;
                        handler.onMessage(timestamp, sequence, length);
                        continue;
                    }
                }
                if (readOnce) {
                    break;
                }
                readOnce = true;
                if (readPosition == writePosition) {
                    readPosition = writePosition = 0;
                } else if (readPosition > 0) {
                    receive.limit(writePosition).position(readPosition);
                    receive.compact(); // keep the partial frame at the start so a whole frame always fits
                    writePosition -= readPosition;
                    readPosition = 0;
                }
                receive.limit(receive.capacity()).position(writePosition);
                try {
                    int n = channel.read(receive);
                    if (n < 0) {
                        throw new UncheckedIOException(new EOFException("uds: publisher closed the connection"));
                    }
                    writePosition += n;
                    if (n == 0) {
                        break;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("uds: read failed", e);
                }
            }
            return delivered;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
