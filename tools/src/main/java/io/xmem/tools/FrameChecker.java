package io.xmem.tools;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber of a frame stream ({@link FrameRun}) that checks every record in place: the
 * {@link FramePayload}'s check (a CRC32C, a test pattern) over the pool buffer a reference names or
 * the inline message's bytes, and the sequence numbers for order and gaps. Between records it waits
 * as {@code --idle} says (by default asleep on the ring's futex, 0 % CPU). A checker that joins a
 * running stream starts counting at the first record it sees.
 *
 * <p>Its stdout, for the parent: {@code ready} once subscribed; {@code progress records=..
 * verified=.. bytes=.. [p50ns=..] [| note]} a few times a second; {@code bad SEQ WHY} for the
 * first few problems; then {@code done records=.. references=.. inline=.. bytes=.. verified=..
 * bad=.. outOfOrder=.. lost=.. expected=.. nanos=..} and, when the payload stamps publish times,
 * {@code latency p50=.. p90=.. p99=.. p99.9=.. max=.. µs (N samples)} (publish to receive).
 */
@Command(name = "frame-checker", hidden = true, mixinStandardHelpOptions = true,
    description = "Checks every record of a frame stream in place: the subscriber of xmem demo and examples/run video.")
public final class FrameChecker implements Callable<Integer>, MessageHandler {
    /** What a checker says once it has subscribed: the producer may start. */
    public static final String READY = "ready";
    private static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int MAX_REPORTED_PROBLEMS = 10;

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--payload", defaultValue = DemoPayload.KIND) String payloadKind;
    @Option(names = "--frame-size", defaultValue = "8388608") long frameSize;
    @Option(names = "--idle", defaultValue = "sleep") Idle idle;

    private FramePayload payload;
    private final Histogram handoff = Latency.histogram();
    private long next = -1; // the sequence number due next; -1 until the first record
    private long first = -1;
    private long records;
    private long references;
    private long inline;
    private long bytes;
    private long verified;
    private long bad;
    private long outOfOrder;
    private long gaps;
    private long problems;
    private long start;
    private long end;
    private long total = -1; // records published, from the end record

    public static void main(String[] args) {
        ChildMain.run(new FrameChecker(), args);
    }

    @Override
    public Integer call() {
        payload = FramePayload.of(payloadKind, frameSize);
        try (Ring ring = Ring.open(ringName, dir); Subscription subscription = ring.subscription()) {
            System.out.println(READY); // the parent starts the producer once every subscriber said so
            System.out.flush();
            check(subscription);
            long lost = gaps + subscription.lostRecords() + Math.max(0, total - Math.max(next, 0));
            System.out.println("done records=" + records + " references=" + references + " inline=" + inline
                + " bytes=" + bytes + " verified=" + verified + " bad=" + bad + " outOfOrder=" + outOfOrder + " lost="
                + lost + " expected=" + (total - Math.max(first, 0)) + " nanos=" + (end - start));
            if (handoff.getTotalCount() > 0) {
                System.out.println("latency " + Latency.line(handoff));
            }
            System.out.flush();
        }
        return XmemCli.OK;
    }

    private void check(Subscription subscription) {
        long lastReport = System.nanoTime();
        long reported = 0;
        while (total < 0) {
            if (subscription.poll(this, 64) == 0) {
                idle.idle(subscription);
            }
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_NANOS && records != reported) {
                progress();
                lastReport = now;
                reported = records;
            }
        }
    }

    private void progress() {
        StringBuilder line = new StringBuilder("progress records=").append(records).append(" verified=")
            .append(verified).append(" bytes=").append(bytes);
        if (handoff.getTotalCount() > 0) {
            line.append(" p50ns=").append(handoff.getValueAtPercentile(50));
        }
        String note = payload.note();
        if (!note.isEmpty()) {
            line.append(" | ").append(note);
        }
        System.out.println(line);
        System.out.flush();
    }

    @Override
    public void onMessage(Message message) {
        long now = System.nanoTime();
        if (start == 0) {
            start = now;
        }
        long published = EndOfStream.records(message);
        if (published >= 0) {
            total = published;
            end = now;
            return;
        }
        long publishTime = payload.publishTime(message);
        if (publishTime >= 0) {
            Latency.record(handoff, now - publishTime);
        }
        long seq = message.isInline() ? message.segment().get(ValueLayout.JAVA_LONG_UNALIGNED,
            FramePayload.SEQUENCE_OFFSET) : message.tag();
        count(message);
        boolean inOrder = sequenced(seq);
        String problem;
        try {
            problem = payload.check(message, seq);
        } catch (XmemException e) { // e.g. a record naming a buffer that is no longer pinned
            problem = e.getMessage();
        }
        if (problem != null) {
            bad++;
            report(seq, problem);
        } else if (inOrder) {
            verified++;
        }
    }

    private void count(Message message) {
        records++;
        if (message.isInline()) {
            inline++;
        } else {
            references++;
            bytes += message.length();
        }
    }

    /** Whether {@code seq} is the one due; a gap counts as lost records, a step back as out of order. */
    private boolean sequenced(long seq) {
        if (first < 0) {
            first = seq;
            next = seq;
        }
        if (seq == next) {
            next++;
            return true;
        }
        if (seq > next) {
            gaps += seq - next;
            report(seq, "records #" + next + ".." + (seq - 1) + " never arrived");
            next = seq + 1;
            return true; // counted as lost; this record itself is fine
        }
        outOfOrder++;
        report(seq, "arrived after #" + (next - 1) + ": duplicated or out of order");
        return false;
    }

    private void report(long seq, String why) {
        if (++problems <= MAX_REPORTED_PROBLEMS) {
            System.out.println("bad " + seq + " " + why);
        }
    }
}
