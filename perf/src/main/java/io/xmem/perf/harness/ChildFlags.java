package io.xmem.perf.harness;

import java.util.ArrayList;
import java.util.List;

/** The JVM flags of the harness's child JVMs: one common set, then the transport's own. */
public final class ChildFlags {
    /**
     * Every child gets these. The heap is fixed and pre-touched so no child grows its heap or
     * faults pages in mid-run; the last four let Agrona and Aeron use {@code Unsafe} and native
     * access on JDK 25 without warnings.
     */
    public static final List<String> COMMON = List.of(
        "-Xms256m", "-Xmx1g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED");

    private ChildFlags() {
    }

    /** The JVM flags of a child running {@code transport}: the common set, the transport's, then {@code extra}. */
    public static List<String> of(Transport transport, List<String> extra) {
        List<String> flags = new ArrayList<>(COMMON);
        flags.addAll(transport.childJvmFlags());
        flags.addAll(extra);
        return flags;
    }
}
