package io.xmem.pool;

import io.xmem.pool.testing.LineChildJvm;

import java.util.List;

/**
 * A real child JVM running {@link PoolChild}, driven by line commands ({@link LineChildJvm}).
 *
 * <pre>{@code
 * ChildJvm child = ChildJvm.start();
 * child.ok("OPEN " + name);                      // "0", "1", ...: its participant index
 * long token = ChildJvm.token(child.ok("ACQUIRE 4096"));
 * child.kill9();                                 // SIGKILL, then waits for the exit
 * }</pre>
 */
final class ChildJvm extends LineChildJvm {
    private int participantIndex = -1;

    private ChildJvm() {
        super(PoolChild.class,
            List.of("-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
    }

    /** Starts a child and waits for it to say READY. */
    static ChildJvm start() {
        return new ChildJvm();
    }

    /** Opens pool {@code name} in the child; returns its participant index. */
    int open(String name) {
        participantIndex = Integer.parseInt(ok("OPEN " + name));
        return participantIndex;
    }

    /** The child's participant index in the pool it opened last. */
    int index() {
        if (participantIndex < 0) {
            throw new IllegalStateException("child " + pid() + " has opened no pool");
        }
        return participantIndex;
    }

    /** The child's bit in holder masks. */
    long bit() {
        return 1L << index();
    }
}
