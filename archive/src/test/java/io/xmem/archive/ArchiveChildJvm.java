package io.xmem.archive;

import io.xmem.pool.testing.LineChildJvm;

import java.util.List;

/** A real child JVM running {@link ArchiveChild}, driven by line commands ({@link LineChildJvm}). */
final class ArchiveChildJvm extends LineChildJvm {
    /** What surefire gives the test JVM (see the pom): Agrona needs it on JDK 25. */
    static final List<String> FLAGS = List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-XX:+UseSerialGC", "-XX:-UsePerfData");

    private ArchiveChildJvm() {
        super(ArchiveChild.class, FLAGS);
    }

    static ArchiveChildJvm start() {
        return new ArchiveChildJvm();
    }
}
