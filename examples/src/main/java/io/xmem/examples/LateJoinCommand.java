package io.xmem.examples;

import io.xmem.launch.ChildProcess;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code examples/run late-join}: the market-data feed of {@link MarketDataCommand}, a recorder
 * writing it to an archive from the first quote, a strategy that reads it from the start, and a
 * strategy started seconds late that catches up from the archive and then follows the live ring,
 * with every quote exactly once.
 */
@Command(name = "late-join", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"A strategy started late catches up from the archive, then follows the feed.", "",
        "A recorder process records the quote ring into an Aeron Archive from the first quote; the feed publishes "
            + "--rate quotes/s for --seconds, then END quotes with the count; a strategy reads from the start; after "
            + "--late seconds a second strategy starts with one ArchiveSubscription.lateJoin call: it reads the quotes "
            + "published so far from the archive, switches to the live ring at a seam decided by sequence numbers, and "
            + "must count every quote exactly once.", ""})
final class LateJoinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200000",
        description = "Quotes per second (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "6",
        description = "How long to publish (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--late", paramLabel = "S", defaultValue = "3",
        description = "Seconds after the feed starts that the late strategy starts (default ${DEFAULT-VALUE}).")
    double late;

    @Option(names = "--archive", paramLabel = "DIR",
        description = "Keep the recording in DIR (default: a temporary directory, deleted at the end).")
    Path archive;

    @Mixin
    SharedFiles files;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (rate < 1 || seconds <= 0 || late <= 0 || late >= seconds) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1, --seconds positive and --late "
                + "between 0 and --seconds");
        }
        String ring = files.name("late-join");
        Path archiveDir = archive != null ? archive : Files.createTempDirectory("xmem-late-join-");
        RingConfig config = RingConfig.builder().directory(files.dir).capacity(1 << 20).build();
        ChildProcess recorder = null;
        try (Roles roles = new Roles("late-join", spec.commandLine().getOut());
             Ring quotes = roles.createRing(ring, config)) {
            roles.say("late-join: %,d quotes/s for %.0f s through ring '%s'; recorded into %s; a strategy starts "
                + "%.1f s late", rate, seconds, quotes.name(), archiveDir, late);
            String[] where = {"--ring", ring, "--dir", files.dir.toString()};
            recorder = roles.start("recorder", "quote-recorder", concat(where, "--archive", archiveDir.toString()));
            roles.awaitReady(recorder);
            roles.awaitReady(roles.start("strategy", "strategy", concat(where, "--idle", "yield")));
            roles.start("feed", "feed", concat(where, "--rate", Long.toString(rate), "--seconds",
                Double.toString(seconds)));
            Thread.sleep((long) (late * 1000));
            ChildProcess lateOne = roles.start("late strategy", "late-strategy", concat(where, "--archive",
                archiveDir.toString()));
            lateOne.waitFor(Duration.ofSeconds(180 + (long) seconds));
            recorder.closeInput(); // it stops cleanly, and so does the archive it served
            boolean ok = roles.awaitAll(Duration.ofSeconds(60));
            roles.say(ok ? "OK: the late strategy counted every quote once, from the archive and then live"
                : "FAILED (see above)");
            return ok ? 0 : Examples.FAILED;
        } finally {
            if (recorder != null) {
                deleteTree(Path.of("/dev/shm"), "xmem-archive-" + recorder.pid() + "-"); // if it was killed
            }
            if (archive == null) {
                deleteTree(archiveDir.getParent(), archiveDir.getFileName().toString());
            }
        }
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** Deletes every entry of {@code parent} whose name starts with {@code prefix}, with what is inside. */
    private static void deleteTree(Path parent, String prefix) throws IOException {
        File[] found = parent.toFile().listFiles((d, n) -> n.startsWith(prefix));
        for (File f : found == null ? new File[0] : found) {
            try (Stream<Path> walk = Files.walk(f.toPath())) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
