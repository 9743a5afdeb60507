package io.xmem.tools;

import io.xmem.pool.BufferPool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child for {@link ContainersTest}, run in a PID namespace of its own ({@code unshare --pid}), as a
 * process in a container: opens pool {@code NAME} in {@code DIR}, takes {@code COUNT} buffers, says
 * {@code holding COUNT pid=P} with the pid it has there, then answers {@code reclaim} with
 * {@code reclaimed N} until its stdin ends.
 *
 * <p>It does not call {@code ParentWatch.start()}: its parent, the test JVM, is not in its namespace,
 * so it could not see it, and would take it for dead. It leaves when its stdin ends instead, and
 * {@code unshare --kill-child} ends it with the {@code unshare} the test started.
 */
final class NamespacedHolder {
    private NamespacedHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (BufferPool pool = BufferPool.open(args[0], Path.of(args[1]))) {
            int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++) {
                pool.acquire(100); // held until this process ends
            }
            System.out.println("holding " + count + " pid=" + ProcessHandle.current().pid());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("reclaim")) {
                    System.out.println("reclaimed " + pool.reclaim());
                    System.out.flush();
                }
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
