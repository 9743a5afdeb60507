package io.xmem.tools;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The demo's producer process. For each buffer: acquire it from the pool, fill it, and write
 * {@code token length checksum} to stdout (a pipe into the consumer). It keeps its own
 * reference until the consumer acknowledges on stdin that it has attached, and never has more
 * than half of a size class unacknowledged, so the pool cannot run dry.
 *
 * <p>Started by {@link DemoCommand}: {@code DemoProducer POOL DIR BUFFERS FRAME_SIZE}.
 */
final class DemoProducer {
    /** Waiting longer than this for a free buffer means the flow control is broken: say so. */
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(30);

    private final BufferPool pool;
    private final BufferedReader acks;
    private final Writer tokens;
    private final ArrayDeque<Buffer> unacknowledged = new ArrayDeque<>();
    private final int frameWindow = DemoPayload.FRAME_COUNT / 2;
    private final int smallWindow = DemoPayload.SMALL_COUNT / 2;
    private int framesOut;
    private int smallOut;

    private DemoProducer(BufferPool pool, BufferedReader acks, Writer tokens) {
        this.pool = pool;
        this.acks = acks;
        this.tokens = tokens;
    }

    public static void main(String[] args) {
        try {
            String name = args[0];
            Path dir = Path.of(args[1]);
            long buffers = Long.parseLong(args[2]);
            long frameSize = Long.parseLong(args[3]);
            BufferedReader acks = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            // Not System.out: a PrintStream hides a broken pipe, and we want to notice a dead consumer.
            Writer tokens = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.US_ASCII));
            try (BufferPool pool = BufferPool.open(name, dir)) {
                new DemoProducer(pool, acks, tokens).run(buffers, frameSize);
            }
            System.exit(0);
        } catch (Exception e) {
            System.err.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run(long buffers, long frameSize) throws IOException {
        for (long seq = 0; seq < buffers; seq++) {
            boolean frame = DemoPayload.isFrame(seq);
            while (acks.ready()) {
                takeAck();
            }
            while (frame ? framesOut >= frameWindow : smallOut >= smallWindow) {
                takeAck(); // blocks until the consumer has attached the oldest buffer we hold
            }
            long length = DemoPayload.length(seq, frameSize);
            Buffer buffer = pool.acquire(length, ACQUIRE_TIMEOUT);
            DemoPayload.fill(buffer.segment(), seq);
            int crc = DemoPayload.checksum(buffer.segment());
            unacknowledged.add(buffer);
            if (frame) {
                framesOut++;
            } else {
                smallOut++;
            }
            tokens.write(Long.toHexString(buffer.token()) + " " + length + " " + Integer.toHexString(crc) + "\n");
            tokens.flush(); // the consumer starts on it now, not when a block of lines fills up
        }
        tokens.close(); // end of stream: the consumer finishes after this line
        while (!unacknowledged.isEmpty()) {
            takeAck();
        }
    }

    /** Reads one acknowledgement and drops our reference to the buffer it names; acks come in order. */
    private void takeAck() throws IOException {
        String line = acks.readLine();
        if (line == null) {
            throw new IOException("the consumer stopped before acknowledging " + unacknowledged.size()
                + " buffers");
        }
        Buffer oldest = unacknowledged.poll();
        long token = Long.parseUnsignedLong(line.trim(), 16);
        if (oldest == null || oldest.token() != token) {
            throw new IOException("acknowledgement out of order: got token " + line.trim() + ", expected "
                + (oldest == null ? "none" : Long.toHexString(oldest.token())));
        }
        if (oldest.length() > DemoPayload.SMALL_SIZE) {
            framesOut--;
        } else {
            smallOut--;
        }
        oldest.close(); // the consumer holds its own reference now, so the buffer lives on
    }
}
