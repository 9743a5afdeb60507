package io.xmem.examples;

import io.xmem.pool.BufferPool;
import io.xmem.ring.Ring;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of {@code examples/run ...} in this JVM (the example's processes are real child JVMs),
 * with what it printed; and the cleanup every example test does, passed or failed.
 */
record ExampleRun(int code, String out, String err) {
    static final Path SHM = Path.of("/dev/shm");

    static ExampleRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new ExampleRun(code, out.toString(), err.toString());
    }

    /** A name for one test's files, unique on this machine. */
    /** Whether a python3 is on the PATH, as the shell would find it: the Python reader's tests need one. */
    static boolean pythonOnPath() {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "python3")));
    }

    static String uniqueName(String example) {
        return "xmem-test-" + example + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /** Deletes whatever a run under {@code name} may have left, then checks that nothing is left. */
    static void cleanUp(String name) throws IOException {
        for (String n : List.of(name, name + "-ping", name + "-pong", name + "-decoded", name + "-filtered")) {
            Ring.delete(n);
            BufferPool.delete(n);
        }
        try (Stream<Path> files = Files.list(SHM)) {
            List<Path> left = files.filter(f -> f.getFileName().toString().startsWith(name)).toList();
            assertEquals(List.of(), left, "files left in " + SHM);
        }
    }

    /** The first match of {@code regex} in the output; fails with the whole output otherwise. */
    Matcher find(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(out);
        assertTrue(m.find(), "no match for /" + regex + "/ in\n" + all());
        return m;
    }

    /**
     * Checks a latency line ({@code p50=.. p90=.. p99=.. p99.9=.. max=.. µs (N samples)}): ordered
     * percentiles, positive, and the sample count; returns p50 in µs.
     */
    double assertLatencyLine(String prefix, long samples) {
        Matcher m = find(Pattern.quote(prefix) + " p50=([\\d.]+) p90=([\\d.]+) p99=([\\d.]+) p99\\.9=([\\d.]+) "
            + "max=([\\d.]+) µs \\((\\d+) samples\\)");
        double previous = 0;
        for (int g = 1; g <= 5; g++) {
            double value = Double.parseDouble(m.group(g));
            assertTrue(value > 0 && value >= previous, "percentiles rise: " + m.group() + "\n" + all());
            previous = value;
        }
        if (samples >= 0) {
            assertEquals(samples, Long.parseLong(m.group(6)), m.group());
        }
        return Double.parseDouble(m.group(1));
    }

    String all() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
