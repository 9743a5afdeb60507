package io.xmem.cuda;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;
import io.xmem.pool.testing.LineChildJvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The other process of the GPU tests: a pool user with device buffers, driven by line commands
 * (see {@link LineChildJvm}); tokens travel in hex.
 *
 * <pre>
 * OPEN name                    OK participantIndex
 * ATTACH token                 OK length         (one more handle on token)
 * CLOSE token                  OK                (closes the newest handle on token)
 * DACQUIRE size                OK token          (a device buffer)
 * DFILL token frame            OK                (pattern kernel on the child's stream, then recordReady)
 * DCHECK token frame           OK mismatches     (waitReady, then the check kernel, on the child's stream)
 * CLOSEPOOL                    OK
 * </pre>
 */
public final class DeviceChild {
    private BufferPool pool;
    private CudaPool gpu;
    private CudaStream stream;
    private PatternKernels kernels;
    private final Map<Long, Deque<Buffer>> handles = new HashMap<>();

    public static void main(String[] args) throws IOException {
        ParentWatch.start(); // gone with the test JVM, even a killed one
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but answers on stdout
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        DeviceChild child = new DeviceChild();
        out.println("READY " + ProcessHandle.current().pid());
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                String payload = child.execute(line.trim().split(" +"));
                answer = payload.isEmpty() ? "OK" : "OK " + payload;
            } catch (RuntimeException | Error t) {
                String message = String.valueOf(t.getMessage()).replace('\n', ' ');
                answer = "ERR " + t.getClass().getSimpleName() + " " + message;
                if (!(t instanceof XmemException)) {
                    t.printStackTrace(); // unexpected: goes to the test's output through stderr
                }
            }
            out.println(answer);
        }
        Runtime.getRuntime().halt(0); // nothing here must outlive the parent
    }

    private String execute(String[] c) {
        return switch (c[0]) {
            case "OPEN" -> {
                pool = BufferPool.open(c[1]);
                yield Integer.toString(pool.participantIndex());
            }
            case "ATTACH" -> {
                Buffer b = pool.attach(LineChildJvm.token(c[1]));
                keep(b);
                yield Long.toString(b.length());
            }
            case "CLOSE" -> {
                handles.get(LineChildJvm.token(c[1])).pop().close();
                yield "";
            }
            case "DACQUIRE" -> keep(gpu().acquire(Long.parseLong(c[1])));
            case "DFILL" -> {
                Buffer b = newest(c[1]);
                kernels.fill(gpu().pointer(b), b.length(), Integer.parseInt(c[2]), stream);
                gpu.recordReady(b, stream);
                yield "";
            }
            case "DCHECK" -> {
                Buffer b = newest(c[1]);
                gpu().waitReady(b, stream);
                yield Long.toString(kernels.mismatches(gpu.pointer(b), b.length(), Integer.parseInt(c[2]), stream));
            }
            case "CLOSEPOOL" -> {
                handles.clear();
                pool.close();
                yield "";
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    private CudaPool gpu() {
        if (gpu == null) {
            gpu = CudaPool.of(pool);
            stream = CudaStream.create(gpu.device());
            kernels = PatternKernels.load(gpu.device());
        }
        return gpu;
    }

    private String keep(Buffer b) {
        handles.computeIfAbsent(b.token(), t -> new ArrayDeque<>()).push(b);
        return Long.toHexString(b.token());
    }

    private Buffer newest(String token) {
        Deque<Buffer> open = handles.get(LineChildJvm.token(token));
        if (open == null || open.isEmpty()) {
            throw new IllegalStateException("no open handle on " + token);
        }
        return open.peek();
    }
}
