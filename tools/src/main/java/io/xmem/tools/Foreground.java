package io.xmem.tools;

/** What the commands that run in the foreground until Ctrl-C share: helper threads and the shutdown hook. */
final class Foreground {
    private Foreground() {
    }

    /** Starts {@code body} on a daemon thread. */
    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Calls {@code stop} after {@code seconds}; nothing when null. */
    static void stopAfter(Double seconds, Runnable stop) {
        if (seconds == null) {
            return;
        }
        daemon("xmem-duration", () -> {
            try {
                Thread.sleep((long) (seconds * 1000));
                stop.run();
            } catch (InterruptedException ignored) { // stopped first
            }
        });
    }

    /** Removes a shutdown hook that is no longer needed; fine while the JVM is already shutting down. */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) { // shutting down: the hook is running
        }
    }
}
