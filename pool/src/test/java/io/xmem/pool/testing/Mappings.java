package io.xmem.pool.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the kernel says about this process's mappings of one file ({@code /proc/self/smaps}): how
 * much of it is resident in this process's page tables, and how much of that is mapped with huge
 * (PMD, 2 MiB) pages. Summed over every mapping of the file.
 */
public record Mappings(long sizeKib, long rssKib, long hugeKib) {
    /** The line that opens a mapping's entry: its address range in hex. */
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    public static Mappings of(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String path = file.toAbsolutePath().normalize().toString();
        long size = 0;
        long rss = 0;
        long huge = 0;
        boolean ours = false;
        for (String line : lines) {
            if (MAPPING.matcher(line).lookingAt()) { // "start-end perms offset dev inode [path]"
                ours = line.endsWith(" " + path) || line.endsWith(" " + path + " (deleted)");
                continue;
            }
            if (!ours) {
                continue;
            }
            String[] kv = line.split(":\\s+");
            switch (kv[0]) {
                case "Size" -> size += kib(kv[1]);
                case "Rss" -> rss += kib(kv[1]);
                case "ShmemPmdMapped", "FilePmdMapped" -> huge += kib(kv[1]);
                default -> {
                }
            }
        }
        return new Mappings(size, rss, huge);
    }

    private static long kib(String value) {
        return Long.parseLong(value.replace("kB", "").trim());
    }

    /** One line for a child's answer: {@code size rss huge}, in KiB. */
    public String line() {
        return sizeKib + " " + rssKib + " " + hugeKib;
    }

    public static Mappings parse(String line) {
        String[] f = line.trim().split(" ");
        return new Mappings(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }
}
