package io.xmem.tools;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.BufferPool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A child JVM for the tests: opens a pool, takes {@code COUNT} buffers, says so, and dies
 * without releasing them, the way a crashed process would.
 * Arguments: {@code NAME DIR COUNT [stay]}; with {@code stay} it lives until its stdin closes.
 */
final class HoldBuffers {
    public static void main(String[] args) {
        ParentWatch.start(); // a child of a launcher: leaves when its parent is gone
        BufferPool pool = BufferPool.open(args[0], Path.of(args[1]));
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            pool.acquire(100);
        }
        System.out.println("holding " + count);
        System.out.flush();
        if (args.length > 3 && args[3].equals("stay")) { // stay alive until the parent closes our stdin
            try {
                while (System.in.read() >= 0) {
                    // wait
                }
            } catch (IOException ignored) {
                // parent gone
            }
        }
        Runtime.getRuntime().halt(0); // no close, no cleanup: the OS drops our lock, the pool keeps our bits
    }
}
