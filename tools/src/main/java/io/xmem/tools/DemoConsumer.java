package io.xmem.tools;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;

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

/**
 * The demo's consumer process. Reads {@code token length checksum} lines on stdin; for each it
 * attaches the buffer (its own reference), acknowledges on stdout so the producer may let go,
 * recomputes the checksum over the shared bytes in place, and releases. Its stdout is read by
 * {@link DemoCommand}: {@code ack TOKEN LENGTH}, {@code bad SEQ TOKEN WHY} and finally
 * {@code done VERIFIED MISMATCHES BYTES NANOS PIPE_BYTES}.
 *
 * <p>Started by {@link DemoCommand}: {@code DemoConsumer POOL DIR}.
 */
final class DemoConsumer {
    public static void main(String[] args) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            Writer out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.US_ASCII));
            try (BufferPool pool = BufferPool.open(args[0], Path.of(args[1]))) {
                consume(pool, in, out);
            }
            System.exit(0);
        } catch (Exception e) {
            System.err.println("failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void consume(BufferPool pool, BufferedReader in, Writer out) throws IOException {
        long verified = 0;
        long mismatches = 0;
        long bytes = 0;
        long pipeBytes = 0;
        long start = 0;
        long seq = 0;
        String line;
        for (; (line = in.readLine()) != null; seq++) {
            if (seq == 0) {
                start = System.nanoTime();
            }
            pipeBytes += line.length() + 1;
            String[] f = line.trim().split(" ");
            String token = f[0];
            long length = Long.parseLong(f[1]);
            int expected = Integer.parseUnsignedInt(f[2], 16);
            Buffer buffer;
            try {
                buffer = pool.attach(Long.parseUnsignedLong(token, 16));
            } catch (XmemException e) {
                mismatches++;
                out.write("bad " + seq + " " + token + " cannot attach: " + e.getMessage() + "\n");
                ack(out, token, 0);
                continue;
            }
            try (buffer) {
                ack(out, token, length); // we hold our own reference now; the producer may drop its one
                int actual = DemoPayload.checksum(buffer.segment());
                if (buffer.length() != length) {
                    mismatches++;
                    out.write("bad " + seq + " " + token + " length " + buffer.length() + ", expected " + length + "\n");
                } else if (actual != expected) {
                    mismatches++;
                    out.write("bad " + seq + " " + token + " checksum " + Integer.toHexString(actual) + ", expected "
                        + Integer.toHexString(expected) + "\n");
                } else {
                    verified++;
                    bytes += length;
                }
            }
        }
        long nanos = seq == 0 ? 0 : System.nanoTime() - start;
        out.write("done " + verified + " " + mismatches + " " + bytes + " " + nanos + " " + pipeBytes + "\n");
        out.flush();
    }

    private static void ack(Writer out, String token, long length) throws IOException {
        out.write("ack " + token + " " + length + "\n");
        out.flush();
    }
}
