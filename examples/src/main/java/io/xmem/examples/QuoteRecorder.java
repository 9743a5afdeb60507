package io.xmem.examples;

import io.xmem.archive.ArchiveConfig;
import io.xmem.archive.Recorder;
import io.xmem.archive.RecorderStats;
import io.xmem.pool.PoolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The recorder of {@link LateJoinCommand}: records the quote ring into an archive from the first
 * quote on, until its standard input closes. Its process also serves the archive (embedded) to the
 * late strategy, so the example stops it only once the late strategy is done.
 */
@Command(name = "quote-recorder", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of late-join: records the quote ring until its standard input closes.")
final class QuoteRecorder implements Callable<Integer> {
    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--archive", required = true) Path archive;

    @Override
    public Integer call() {
        ArchiveConfig config = ArchiveConfig.builder().directory(archive).build();
        try (Recorder recorder = Recorder.launch(config, ringName, dir)) {
            Thread stopper = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // until the example closes our input
                    }
                } catch (IOException ignored) { // closed as well
                }
                recorder.stop();
            }, "recorder-stop");
            stopper.setDaemon(true);
            stopper.start();
            System.out.println(Roles.READY);
            recorder.run();
            RecorderStats s = recorder.stats();
            System.out.printf("recorded %,d records (%,d KiB) in recording %d of %s%n", s.records(), s.bytes() / 1024,
                s.recordingId(), archive);
        }
        return 0;
    }
}
