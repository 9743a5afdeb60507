package io.xmem.pool.internal;

import io.xmem.pool.InvalidConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a directory's files live on huge pages, for {@code PoolConfig.hugePages(true)}: the
 * pages of a shared file are its file system's, so the question is which mount holds the
 * directory ({@code /proc/self/mountinfo}, the longest mount point above it) and how it was
 * mounted. A tmpfs mounted with {@code huge=always} or {@code huge=within_size} gives 2 MiB pages
 * to every mapping of its files; anything else is refused with what was found and how to mount
 * one.
 */
final class HugePages {
    private static final String SHMEM_ENABLED = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";
    private static final String HOW = "mount one (as root): mount -t tmpfs -o size=2g,huge=always xmem-huge DIR, "
        + "then PoolConfig.directory(DIR)";

    private HugePages() {
    }

    /** Returns if pool {@code name} in {@code directory} would be on huge pages, else throws why not. */
    static void require(Path directory, String name) {
        String problem = problem(directory);
        if (problem != null) {
            throw new InvalidConfigException("pool '" + name + "' asks for huge pages, but " + problem + "; " + HOW);
        }
    }

    /** Why files in {@code directory} would not be on huge pages; null if they would. */
    static String problem(Path directory) {
        Path real;
        List<String> mounts;
        try {
            real = directory.toRealPath();
            mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "the mount of " + directory + " cannot be read (" + e + "): huge pages come from a Linux tmpfs";
        }
        String[] best = null;
        Path bestPoint = null;
        for (String line : mounts) {
            String[] mount = parse(line);
            if (mount == null) {
                continue;
            }
            Path point = Path.of(mount[0]);
            if (real.startsWith(point) && (bestPoint == null || point.getNameCount() >= bestPoint.getNameCount())) {
                best = mount;
                bestPoint = point;
            }
        }
        if (best == null) {
            return "no mount holding " + real + " is listed in /proc/self/mountinfo";
        }
        String where = real + " is on " + best[1] + " mounted at " + best[0];
        if (best[1].equals("hugetlbfs")) {
            return where + ", whose files must be whole huge pages long, which pool files are not made to be; use a "
                + "tmpfs with huge=always instead";
        }
        if (!best[1].equals("tmpfs")) {
            return where + ", which has no huge pages for shared files";
        }
        if (shmemDenied()) {
            return where + ", but the kernel denies huge pages to every tmpfs (" + SHMEM_ENABLED + " is 'deny')";
        }
        for (String option : best[2].split(",")) {
            if (option.equals("huge=always") || option.equals("huge=within_size")) {
                return null;
            }
        }
        return where + " without huge=always or huge=within_size (its options: " + best[2] + ")";
    }

    /** Mount point, file system type and super options of one mountinfo line; null if it does not parse. */
    private static String[] parse(String line) {
        String[] fields = line.split(" ");
        int dash = List.of(fields).indexOf("-");
        if (fields.length < 5 || dash < 6 || fields.length < dash + 4) {
            return null;
        }
        return new String[] {unescape(fields[4]), fields[dash + 1], fields[dash + 3]};
    }

    /** mountinfo writes space, tab, newline and backslash in paths as octal escapes. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private static boolean shmemDenied() {
        try {
            return Files.readString(Path.of(SHMEM_ENABLED)).contains("[deny]");
        } catch (IOException | UnsupportedOperationException e) {
            return false; // no such knob: nothing denies it
        }
    }
}
