package io.xmem.perf.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a report was measured on, as the report prints it. */
public record Machine(int cpus, String cpuModel, String kernel, String memory, String jdk, String loadAtStart) {

    public static Machine describe() {
        String model = "unknown";
        String memory = "unknown";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024 * 1024) + " GiB").findFirst()
                .orElse(memory);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: described as unknown
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch");
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version");
        return new Machine(Runtime.getRuntime().availableProcessors(), model, kernel, memory, jdk, loadAverage());
    }

    /** The first three fields of {@code /proc/loadavg}: other work on the machine skews every figure. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
