package io.xmem.pool;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.pool.testing.Mappings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The other process of the cross-process tests: a pool user driven by line commands on stdin,
 * answering each with one line, {@code OK [payload]} or {@code ERR ExceptionName message}.
 * Tokens, CRCs and masks travel in hex. It never exits on a failed command, and exits when its
 * stdin closes (its test JVM is gone).
 *
 * <pre>
 * PING                         OK pid
 * OPEN name                    OK participantIndex
 * ACQUIRE size                 OK token
 * TRYACQUIRE size              OK token | OK none
 * ATTACH token                 OK length         (one more handle on token)
 * RETAIN token                 OK                (one more handle, from an open one)
 * CLOSE token                  OK                (closes the newest handle on token)
 * FILL token seed              OK crc            (whole buffer, {@link Patterns})
 * CRC token                    OK crc
 * HOLDERS token                OK mask
 * FREE                         OK free buffers of each class, comma-separated
 * RECLAIM                      OK count
 * WATCH ms                     OK count          (calls stats() for ms, like a monitoring tool)
 * STRESS mailbox threads ms size   OK key=value ... ({@link StressWorkload})
 * CLOSEPOOL                    OK
 * EXIT                         OK, then exits
 * </pre>
 */
public final class PoolChild {
    private BufferPool pool;
    private final Map<Long, Deque<Buffer>> handles = new HashMap<>();

    public static void main(String[] args) throws IOException {
        ParentWatch.start(); // a child of a launcher: leaves when its parent is gone
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but answers on stdout
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PoolChild child = new PoolChild();
        out.println("READY " + ProcessHandle.current().pid());
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                String payload = child.execute(line.trim().split(" +"));
                answer = payload.isEmpty() ? "OK" : "OK " + payload;
            } catch (Throwable t) {
                String message = String.valueOf(t.getMessage()).replace('\n', ' ');
                answer = "ERR " + t.getClass().getSimpleName() + " " + message;
                if (!(t instanceof XmemException)) {
                    t.printStackTrace(); // unexpected: goes to the test's output through stderr
                }
            }
            out.println(answer);
            if (line.trim().equals("EXIT")) {
                break;
            }
        }
        Runtime.getRuntime().halt(0); // skip shutdown work: nothing here must outlive the parent
    }

    private String execute(String[] c) {
        return switch (c[0]) {
            case "PING", "EXIT" -> Long.toString(ProcessHandle.current().pid());
            case "OPEN" -> {
                pool = BufferPool.open(c[1]);
                yield Integer.toString(pool.participantIndex());
            }
            case "OPENIN" -> {
                pool = BufferPool.open(c[1], Path.of(c[2]));
                yield Integer.toString(pool.participantIndex());
            }
            case "MAPPED" -> Mappings.of(pool.path()).line();
            case "ACQUIRE" -> keep(pool.acquire(Long.parseLong(c[1])));
            case "TRYACQUIRE" -> {
                Buffer b = pool.tryAcquire(Long.parseLong(c[1]));
                yield b == null ? "none" : keep(b);
            }
            case "ATTACH" -> {
                Buffer b = pool.attach(ChildJvm.token(c[1]));
                keep(b);
                yield Long.toString(b.length());
            }
            case "RETAIN" -> {
                keep(newest(c[1]).retain());
                yield "";
            }
            case "CLOSE" -> {
                Deque<Buffer> open = handles.get(ChildJvm.token(c[1]));
                if (open == null || open.isEmpty()) {
                    throw new IllegalStateException("no open handle on " + c[1]);
                }
                open.pop().close();
                yield "";
            }
            case "FILL" -> Long.toHexString(Patterns.fill(newest(c[1]).segment(), Long.parseLong(c[2])));
            case "CRC" -> Long.toHexString(Patterns.crc(newest(c[1]).segment()));
            case "HOLDERS" -> Long.toHexString(pool.holders(ChildJvm.token(c[1])));
            case "PIN" -> Boolean.toString(PoolAccess.pins(pool).pin(ChildJvm.token(c[1])));
            case "FREE" -> {
                StringBuilder sb = new StringBuilder();
                for (PoolStats.SizeClassStats s : pool.stats().sizeClasses()) {
                    sb.append(sb.isEmpty() ? "" : ",").append(s.free());
                }
                yield sb.toString();
            }
            case "RECLAIM" -> Integer.toString(pool.reclaim());
            case "WATCH" -> {
                long end = System.nanoTime() + Long.parseLong(c[1]) * 1_000_000L;
                long n = 0;
                while (System.nanoTime() - end < 0) {
                    pool.stats();
                    n++;
                }
                yield Long.toString(n);
            }
            case "STRESS" -> {
                Buffer mailbox = newest(c[1]);
                yield StressWorkload.run(pool, mailbox.segment(), Integer.parseInt(c[2]), Long.parseLong(c[3]),
                    Long.parseLong(c[4])).encode();
            }
            case "CLOSEPOOL" -> {
                handles.clear();
                pool.close();
                yield "";
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    private String keep(Buffer b) {
        handles.computeIfAbsent(b.token(), t -> new ArrayDeque<>()).push(b);
        return Long.toHexString(b.token());
    }

    private Buffer newest(String token) {
        Deque<Buffer> open = handles.get(ChildJvm.token(token));
        if (open == null || open.isEmpty()) {
            throw new IllegalStateException("no open handle on " + token);
        }
        return open.peek();
    }
}
