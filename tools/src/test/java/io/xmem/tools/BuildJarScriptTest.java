package io.xmem.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers' one stale-jar check, {@code .mvn/build-jar.sh} (issue 15, item 12), on a copy of this
 * checkout's poms with a stand-in {@code ./mvnw} that records each build: {@code ./xmem}'s jar is rebuilt
 * when a module it is made of changed and not when only the examples or perf did; a build prints a line
 * per module; two launchers started together build once, the second waiting and saying so.
 */
class BuildJarScriptTest {
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> MODULES = List.of("bom", "launch", "pool", "ring", "cuda", "bridge", "archive",
        "tools", "examples", "perf", "stress");
    private static final Instant BUILT = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path root;

    /** A checkout of poms and one source file per module, all older than a built jar, and a stand-in mvnw. */
    private void checkout() throws IOException {
        Files.copy(CHECKOUT.resolve("pom.xml"), root.resolve("pom.xml"));
        for (String module : MODULES) {
            Path dir = Files.createDirectories(root.resolve(module));
            Files.copy(CHECKOUT.resolve(module).resolve("pom.xml"), dir.resolve("pom.xml"));
            if (!module.equals("bom")) {
                Path source = Files.createDirectories(dir.resolve("src/main/java")).resolve("Source.java");
                Files.writeString(source, "class Source {}");
                age(source, BUILT.minusSeconds(60));
            }
            age(dir.resolve("pom.xml"), BUILT.minusSeconds(60));
        }
        age(root.resolve("pom.xml"), BUILT.minusSeconds(60));
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, """
            #!/bin/sh
            # Stands in for Maven: records the build, prints Maven's module lines, makes the jar.
            echo "$*" >> builds.log
            echo "[INFO] Building xmem 0.1.0-SNAPSHOT                                         [1/3]"
            echo "[INFO] Building xmem pool 0.1.0-SNAPSHOT                                    [2/3]"
            sleep 2
            mkdir -p tools/target && : > tools/target/xmem.jar
            echo "[INFO] Building xmem tools 0.1.0-SNAPSHOT                                   [3/3]"
            """);
        assertTrue(mvnw.toFile().setExecutable(true));
    }

    private static void age(Path file, Instant time) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(time));
    }

    /** Starts {@code ./xmem}'s check, as the launcher runs it. */
    private Process launcher() throws IOException {
        ProcessBuilder sh = new ProcessBuilder("sh", "-c", ". \"$1\"; xmem_build_jar xmem tools tools/target/xmem.jar",
            "sh", CHECKOUT.resolve(".mvn/build-jar.sh").toString()).redirectErrorStream(true);
        sh.environment().put("XMEM_ROOT", root.toString());
        return sh.start();
    }

    private static String finish(Process p) throws IOException, InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hang guard");
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), said);
        return said;
    }

    private List<String> builds() throws IOException {
        Path log = root.resolve("builds.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private void jarBuilt() throws IOException {
        Path jar = Files.createDirectories(root.resolve("tools/target")).resolve("xmem.jar");
        Files.write(jar, new byte[0]);
        age(jar, BUILT);
    }

    @Test
    void onlyAChangedModuleOfTheToolRebuildsItsJarWithALinePerModule() throws Exception {
        checkout();
        jarBuilt();
        for (String notOfTheTool : List.of("examples", "perf", "stress")) {
            age(root.resolve(notOfTheTool).resolve("src/main/java/Source.java"), BUILT.plusSeconds(60));
        }
        assertEquals("", finish(launcher()), "fresh for the tool: examples, perf and stress are not in it");
        assertEquals(List.of(), builds());

        age(root.resolve("pool/src/main/java/Source.java"), BUILT.plusSeconds(60));
        String said = finish(launcher());

        assertEquals(1, builds().size(), said);
        assertTrue(builds().getFirst().contains("-pl tools -am package -DskipTests"), builds().toString());
        assertTrue(said.startsWith("xmem: sources changed, rebuilding tools/target/xmem.jar (tools launch pool ring "
            + "bridge archive)...\n"), said);
        assertTrue(said.contains("\n  [2/3] xmem pool\n  [3/3] xmem tools\n"), "a line per module:\n" + said);
    }

    @Test
    void twoLaunchersStartedTogetherBuildOnce() throws Exception {
        checkout(); // no jar yet: both find it missing
        List<Process> launchers = new ArrayList<>(List.of(launcher(), launcher()));
        List<String> said = new ArrayList<>();
        for (Process p : launchers) {
            said.add(finish(p));
        }

        assertEquals(1, builds().size(), "one build for both:\n" + said);
        assertTrue(said.stream().anyMatch(s -> s.contains("xmem: waiting for another launcher's build of this tree "
            + "to finish...")), said.toString());
        assertTrue(said.stream().anyMatch(s -> s.contains("xmem: building tools/target/xmem.jar (first run")),
            said.toString());
    }
}
