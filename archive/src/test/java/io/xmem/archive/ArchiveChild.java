package io.xmem.archive;

import io.xmem.launch.ParentWatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM of the archive tests ({@link ArchiveChildJvm}): a recorder, a late joiner or a
 * replay, one line command at a time on stdin, one answer line on stdout ({@code OK ...} or
 * {@code ERR Exception message}).
 *
 * <pre>
 * RECORD archiveDir ring ringDir              start a Recorder on its own thread; OK recordingId
 * STATS                                       OK records=.. last=.. missing=..
 * STOP                                        stop and close the recorder; OK records=.. last=..
 * JOIN archiveDir ring ringDir plan last      a late joiner checking every record through sequence 'last'
 * JOINER                                      OK live=.. history=.. liveRecords=.. next=..
 * AWAIT_JOINER millis                         OK received=.. history=.. live=.. missing=.. error=..
 * REPLAY archiveDir recordingId target targetDir speed    replay one recording into a ring; OK published=..
 * LOCKED file                                 OK true when another process holds byte 0 of the file locked
 * </pre>
 *
 * On end of input it closes what it runs (an embedded archive's directory goes with it); a
 * killed child leaves its Aeron directory for the fixture to delete.
 */
final class ArchiveChild {
    private Recorder recorder;
    private Thread recorderThread;
    private Joiner joiner;

    private ArchiveChild() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.start(); // a test JVM killed mid-run leaves no recorder behind
        ArchiveChild child = new ArchiveChild();
        System.out.println("READY " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = in.readLine()) != null; ) {
                String answer;
                try {
                    answer = "OK " + child.execute(line.trim().split(" "));
                } catch (Exception | AssertionError e) {
                    answer = "ERR " + e.getClass().getSimpleName() + " "
                        + String.valueOf(e.getMessage()).replace('\n', ' ');
                }
                System.out.println(answer);
            }
        } finally {
            child.stop();
        }
    }

    private String execute(String[] c) throws Exception {
        return switch (c[0]) {
            case "RECORD" -> record(archive(c[1]), c[2], Path.of(c[3]));
            case "STATS" -> stats(recorder.stats());
            case "STOP" -> stop();
            case "JOIN" -> join(archive(c[1]), c[2], Path.of(c[3]), Records.parse(c[4]), Long.parseLong(c[5]));
            case "JOINER" -> joiner.status();
            case "AWAIT_JOINER" -> joiner.await(Duration.ofMillis(Long.parseLong(c[1])));
            case "REPLAY" -> replay(archive(c[1]), Long.parseLong(c[2]), c[3], Path.of(c[4]), Double.parseDouble(c[5]));
            case "LOCKED" -> Boolean.toString(locked(Path.of(c[1])));
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    private static boolean locked(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock(0, 1, false);
            if (lock != null) {
                lock.release();
            }
            return lock == null;
        }
    }

    private static ArchiveConfig archive(String dir) {
        return ArchiveConfig.builder().directory(Path.of(dir)).build();
    }

    private String record(ArchiveConfig archive, String ring, Path ringDir) {
        recorder = Recorder.launch(archive, ring, ringDir);
        recorderThread = new Thread(recorder::run, "recorder");
        recorderThread.start();
        return Long.toString(recorder.recordingId());
    }

    private static String stats(RecorderStats s) {
        return "records=" + s.records() + " last=" + s.lastSequence() + " missing=" + s.missing() + " first="
            + s.firstSequence();
    }

    private String stop() throws InterruptedException {
        if (joiner != null) {
            joiner.stop();
        }
        if (recorder == null) {
            return "";
        }
        recorder.stop();
        recorderThread.join();
        RecorderStats s = recorder.stats();
        recorder.close();
        recorder = null;
        return stats(s);
    }

    private String join(ArchiveConfig archive, String ring, Path ringDir, Records plan, long last) {
        joiner = new Joiner(ArchiveSubscription.lateJoin(archive, ring, ringDir), plan, last);
        joiner.start();
        return "";
    }

    private static String replay(ArchiveConfig archive, long recordingId, String target, Path targetDir, double speed) {
        ArchiveSubscription history = ArchiveSubscription.builder(archive).recording(recordingId).build();
        try (Replay replay = Replay.into(history, target, targetDir, speed)) {
            replay.run();
            return "published=" + replay.published();
        }
    }

    /** A late joiner on its own thread, checking that every record arrives once, in order, intact. */
    private static final class Joiner implements RecordHandler {
        private final ArchiveSubscription subscription;
        private final Records plan;
        private final long last;
        private final Thread thread = new Thread(this::loop, "joiner");
        private final AtomicReference<String> error = new AtomicReference<>();
        private volatile boolean running = true;
        private volatile long next;
        private volatile boolean live;

        Joiner(ArchiveSubscription subscription, Records plan, long last) {
            this.subscription = subscription;
            this.plan = plan;
            this.last = last;
        }

        void start() {
            thread.start();
        }

        private void loop() {
            try (subscription) {
                while (running && next <= last && error.get() == null) {
                    if (subscription.poll(this, 256) == 0) {
                        Thread.onSpinWait();
                    }
                    live = subscription.isLive();
                }
            } catch (RuntimeException e) {
                error.compareAndSet(null, e.toString());
            }
        }

        @Override
        public void onRecord(RecordView record) {
            if (record.sequence() != next) {
                error.compareAndSet(null, "record " + record.sequence() + " where " + next + " was due ("
                    + (record.isLive() ? "live" : "history") + ")");
                return;
            }
            String why = plan.check(next, record.segment(), record.isInline(), record.timestamp(), record.tag());
            if (why != null) {
                error.compareAndSet(null, why);
            }
            next++;
        }

        @Override
        public void onGap(long fromSequence, long toSequence, String why) {
            error.compareAndSet(null, "gap " + fromSequence + ".." + toSequence + ": " + why);
        }

        String status() {
            return "live=" + live + " history=" + subscription.historyRecords() + " liveRecords="
                + subscription.liveRecords() + " next=" + next;
        }

        String await(Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("the joiner did not finish in " + timeout + ": " + status() + " error="
                    + error.get());
            }
            return "received=" + next + " history=" + subscription.historyRecords() + " live="
                + subscription.liveRecords() + " missing=" + subscription.missing() + " error="
                + String.valueOf(error.get()).replace(' ', '_');
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
