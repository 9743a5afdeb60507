package io.xmem.perf.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The log file of one child JVM of a run: its command line, then whatever it printed that is not
 * for the harness. Diagnostics only: a line that cannot be written is dropped.
 */
final class ChildLog {
    private static final int TAIL_LINES = 15;

    private final Path file;

    private ChildLog(Path file) {
        this.file = file;
    }

    /** A new log at {@code file}, starting with {@code commandLine}. */
    static ChildLog create(Path file, List<String> commandLine) throws IOException {
        Files.writeString(file, String.join(" ", commandLine) + "\n");
        return new ChildLog(file);
    }

    Path file() {
        return file;
    }

    /** Appends one line; called from the child's stdout and stderr reader threads. */
    synchronized void append(String line) {
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is diagnostics only
        }
    }

    /** Its last lines (not the command line), for an error message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n    ", lines.subList(Math.max(1, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
