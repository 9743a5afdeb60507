package io.xmem.examples;

import io.xmem.tools.FrameRun;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * An example's output: its own lines, and its roles' lines as {@code [label] line}, one line at a
 * time whichever thread prints. A role's {@link Roles#READY} is for the example, not the reader.
 */
final class Console implements FrameRun.Listener {
    private final PrintWriter out;

    Console(PrintWriter out) {
        this.out = out;
    }

    /** Prints one line of the example's own. */
    synchronized void say(String format, Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
        out.flush();
    }

    /** Prints one line of role {@code label}. */
    void relay(String label, String line) {
        if (!line.equals(Roles.READY)) {
            say("[%s] %s", label, line);
        }
    }

    @Override
    public void line(FrameRun.Role role, String line) {
        relay(role.label(), line);
    }

    @Override
    public void problem(String text) {
        say("%s", text);
    }
}
