package io.xmem.launch;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link Launcher} starts: a main class on this JVM's {@code java} binary and class path,
 * with JVM flags, arguments and environment, and where its output lines go. A builder: every
 * setter returns this command, and {@link Launcher#start} takes a copy of it.
 *
 * <pre>{@code
 * JvmCommand sub = JvmCommand.of(FrameChecker.class)
 *     .label("subscriber 1")
 *     .flags("--enable-native-access=ALL-UNNAMED")
 *     .args("--ring", ring)
 *     .onLine(line -> progress(line));           // each stdout line, as it comes
 * }</pre>
 *
 * Defaults: the label is the main class's simple name; stdout lines are kept for
 * {@link ChildProcess#nextLine} and {@link ChildProcess#awaitLine}; stderr is kept for
 * {@link ChildProcess#diagnostics()}; the child runs in this JVM's working directory.
 */
public final class JvmCommand {
    private final String mainClass;
    private String label;
    private final List<String> flags = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final List<String> prefix = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String classPath;
    private Path directory;
    private boolean mergeErrors;
    private Duration stopGrace = Duration.ZERO;
    private Consumer<String> onLine = line -> { };
    private Consumer<String> onErrorLine = line -> { };

    private JvmCommand(String mainClass) {
        this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        this.label = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /** A command running {@code main}'s {@code main} method. */
    public static JvmCommand of(Class<?> main) {
        return new JvmCommand(main.getName());
    }

    /** A command running the main class named {@code mainClass}, e.g. one not on this module's class path. */
    public static JvmCommand of(String mainClass) {
        return new JvmCommand(mainClass);
    }

    /** How messages and thread names call the child, e.g. "subscriber 1". */
    public JvmCommand label(String label) {
        this.label = Objects.requireNonNull(label, "label");
        return this;
    }

    /** JVM flags, before the main class: {@code -Xmx64m}, {@code --enable-native-access=ALL-UNNAMED}, ... */
    public JvmCommand flags(String... flags) {
        return flags(Arrays.asList(flags));
    }

    public JvmCommand flags(List<String> flags) {
        this.flags.addAll(flags);
        return this;
    }

    /** Arguments of the main method. */
    public JvmCommand args(String... args) {
        return args(Arrays.asList(args));
    }

    public JvmCommand args(List<String> args) {
        this.args.addAll(args);
        return this;
    }

    /** A command that runs the JVM, e.g. {@code ip netns exec NS} or {@code perf stat -x, --}. */
    public JvmCommand prefix(List<String> prefix) {
        this.prefix.addAll(prefix);
        return this;
    }

    /** An environment variable of the child, on top of this JVM's environment. */
    public JvmCommand environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** The child's class path; by default this JVM's, each entry made absolute. */
    public JvmCommand classPath(String classPath) {
        this.classPath = classPath;
        return this;
    }

    /** The child's working directory; by default this JVM's. */
    public JvmCommand directory(Path directory) {
        this.directory = directory;
        return this;
    }

    /**
     * When the launcher closes or this JVM exits, the child is first asked to stop (SIGTERM, which runs
     * its shutdown hooks) and given {@code grace} to exit, and only then killed; its lines are read
     * meanwhile. For a child that writes what it has on its way out, such as a benchmark harness
     * keeping a partial report. Default zero: killed at once.
     */
    public JvmCommand stopGrace(Duration grace) {
        this.stopGrace = Objects.requireNonNull(grace, "grace");
        return this;
    }

    /** The child's stderr joins its stdout: one stream of lines, in the order it wrote them. */
    public JvmCommand mergeErrors() {
        this.mergeErrors = true;
        return this;
    }

    /** Receives each stdout line on the child's reader thread; lines are still kept for the waits. */
    public JvmCommand onLine(Consumer<String> onLine) {
        this.onLine = Objects.requireNonNull(onLine, "onLine");
        return this;
    }

    /** Receives each stderr line on the child's reader thread; lines are still kept for diagnostics. */
    public JvmCommand onErrorLine(Consumer<String> onErrorLine) {
        this.onErrorLine = Objects.requireNonNull(onErrorLine, "onErrorLine");
        return this;
    }

    public String label() {
        return label;
    }

    public String mainClass() {
        return mainClass;
    }

    /** The command line without what the launcher adds for {@link ParentWatch}: for logs and messages. */
    public List<String> commandLine() {
        return commandLine(List.of());
    }

    /** The command line with {@code launcherFlags} ahead of the caller's flags. */
    List<String> commandLine(List<String> launcherFlags) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launcherFlags);
        command.addAll(flags);
        command.addAll(List.of("-cp", classPath != null ? classPath : absoluteClassPath(), mainClass));
        command.addAll(args);
        return command;
    }

    Map<String, String> environment() {
        return environment;
    }

    Path directory() {
        return directory;
    }

    boolean mergesErrors() {
        return mergeErrors;
    }

    Duration stopGrace() {
        return stopGrace;
    }

    Consumer<String> lineConsumer() {
        return onLine;
    }

    Consumer<String> errorLineConsumer() {
        return onErrorLine;
    }

    /** A copy, so that changing this builder later does not change a started child's record. */
    JvmCommand copy() {
        JvmCommand c = new JvmCommand(mainClass);
        c.label = label;
        c.flags.addAll(flags);
        c.args.addAll(args);
        c.prefix.addAll(prefix);
        c.environment.putAll(environment);
        c.classPath = classPath;
        c.directory = directory;
        c.mergeErrors = mergeErrors;
        c.stopGrace = stopGrace;
        c.onLine = onLine;
        c.onErrorLine = onErrorLine;
        return c;
    }

    /** This JVM's class path with absolute entries: the child may start in another directory. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
