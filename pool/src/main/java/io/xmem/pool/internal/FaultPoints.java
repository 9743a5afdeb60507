package io.xmem.pool.internal;

/**
 * Places in xmem's protocols where a process may die between two steps that belong together, for
 * tests that must stop a process exactly there rather than hope a random {@code kill -9} lands in
 * a window a few instructions wide. A JVM started with {@code -Dxmem.faultPoint=NAME} prints
 * {@code FAULT NAME} (on {@code System.out}) and halts with {@link #EXIT_STATUS} at that point, as
 * abruptly as {@code kill -9} would stop it there (no shutdown hooks; the kernel drops its locks).
 * Without the property {@link #hit} is a test of a constant the JIT removes.
 */
public final class FaultPoints {
    /** A releaser has moved the release position past a batch and not yet dropped its pins. */
    public static final String RELEASER_AFTER_CAS = "releaser-after-cas";
    /** A publisher has pinned the buffer of a reference record and not yet committed the record. */
    public static final String PUBLISHER_AFTER_PIN = "publisher-after-pin";

    /** The exit status of a JVM halted at a fault point. */
    public static final int EXIT_STATUS = 86;

    private static final String ARMED = System.getProperty("xmem.faultPoint");

    private FaultPoints() {
    }

    /** Halts this JVM if it was started to die at {@code name}. */
    public static void hit(String name) {
        if (ARMED != null && ARMED.equals(name)) {
            System.out.println("FAULT " + name);
            System.out.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
