package io.xmem.perf.harness;

import java.util.ArrayList;
import java.util.List;

/** How child JVMs are started: the same java binary and class path as the harness, these flags. */
public final class ChildJvm {
    /**
     * Every child gets these. The heap is fixed and pre-touched so no child grows its heap or
     * faults pages in mid-run; the last four let Agrona and Aeron use {@code Unsafe} and native
     * access on JDK 25 without warnings.
     */
    public static final List<String> COMMON_FLAGS = List.of(
        "-Xms256m", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED");

    private ChildJvm() {
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command()
            .orElseGet(() -> System.getProperty("java.home") + "/bin/java");
    }

    /** The JVM flags of a child running {@code transport}: the common set, then the transport's own. */
    public static List<String> flags(Transport transport, List<String> extra) {
        List<String> flags = new ArrayList<>(COMMON_FLAGS);
        flags.addAll(transport.childJvmFlags());
        flags.addAll(extra);
        return flags;
    }

    static List<String> command(String classPath, List<String> flags, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(Child.class.getName());
        cmd.addAll(args);
        return cmd;
    }
}
