package io.xmem.examples;

import io.xmem.pool.Buffer;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import io.xmem.tools.EndOfStream;
import io.xmem.tools.Idle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The middle stage of {@link PipelineCommand}: takes each frame from the decoder's ring, modifies it
 * in place ({@link PipelineFrame#filter}) and publishes the same buffer on the recorder's ring. Not a
 * byte of a frame is copied: the buffer the decoder wrote is the one the recorder reads.
 *
 * <p>Writing is safe only while nobody else can see the frame, which {@link Buffer#isExclusive()}
 * tells. A frame that arrives here has two references: the decoder's ring's pin (the decoder handed
 * its own reference to the ring with {@code send}), which the ring keeps until every subscriber of that
 * ring has passed the record; and ours, from {@link Message#retain()}. Inside the handler the pin is
 * always there: a subscription stores its position, and lets go of what it passed, when
 * {@code poll} returns (so that a throwing handler still moves it on), not during the callback. So
 * the handler only retains, and the frames are filtered after {@code poll} has returned: by then our
 * position is past them, and since this filter is the ring's only subscriber, {@code poll}'s release
 * step has dropped their pins, unless a release the decoder's publication started (it releases too,
 * when it needs room) has claimed those records and not yet dropped their pins: a short window, which
 * we wait out (counted as {@code waited}). A decoder that published with {@code offer} and closed its
 * handle after would add another: its handle, until that close. A second subscriber on the decoder's
 * ring would hold the pins until it had passed the records as well: the filter would wait for it, and
 * after {@link #EXCLUSIVE_WAIT_NANOS} fail with the {@code writableSegment()} error, which says who
 * else holds the frame.
 */
@Command(name = "filter", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of pipeline: modifies each frame in place and forwards it on another ring.")
final class PipelineFilter implements Callable<Integer>, MessageHandler {
    private static final long EXCLUSIVE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int BATCH = 16;

    @Option(names = "--in", required = true) String inName;
    @Option(names = "--out", required = true) String outName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--idle", defaultValue = "sleep") Idle idle;

    /** A frame retained in the handler, with what its record said, until it is forwarded. */
    private record Held(Buffer buffer, long offset, long length, long timestamp, long frame) {
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long total = -1;
    private long forwarded;
    private long waited;

    @Override
    public Integer call() {
        try (Ring in = Ring.open(inName, dir); Ring out = Ring.open(outName, dir);
             Subscription decoded = in.subscription(); Publication filtered = out.publication()) {
            System.out.println(Roles.READY);
            try {
                while (total < 0) {
                    int received = decoded.poll(this, BATCH);
                    forwardHeld(filtered); // poll has returned: the ring let go of what it delivered
                    if (received == 0) {
                        if (decoded.isEndOfStream()) {
                            throw new Examples.ExampleFailure("the decoder left after " + forwarded + " frames "
                                + "without saying how many it decoded");
                        }
                        idle.idle(decoded);
                    }
                }
            } finally {
                held.forEach(h -> h.buffer().close()); // on failure: what was not forwarded
            }
            PipelineDecoder.offer(() -> filtered.offer(EndOfStream.of(total)));
        }
        System.out.printf(Locale.ROOT, "filtered %d of %d frames in place and forwarded them by reference, none "
            + "copied; %d had to wait a moment to be exclusive%n", forwarded, total, waited);
        return forwarded == total ? 0 : 1;
    }

    @Override
    public void onMessage(Message message) {
        if (message.isInline()) {
            total = PipelineFrame.framesBefore(message);
            return;
        }
        // Our own reference: the frame outlives the callback. Not writable yet: the ring still pins it.
        held.add(new Held(message.retain(), message.bufferOffset(), message.length(), message.timestamp(),
            message.tag()));
    }

    /** Filters each held frame in place once it is ours alone, and publishes it on the next ring. */
    private void forwardHeld(Publication filtered) {
        for (Held h; (h = held.poll()) != null; ) {
            try (Buffer frame = h.buffer()) {
                awaitExclusive(frame);
                PipelineFrame.filter(frame.writableSegment().asSlice(h.offset(), h.length()));
                Held f = h;
                PipelineDecoder.offer(() -> filtered.offer(frame, f.offset(), f.length(), f.timestamp(), f.frame()));
            } // the next ring's pin keeps the frame now, until the recorder has passed it
            forwarded++;
        }
    }

    /** Waits out the short windows of the class comment; the writableSegment() error after the bound. */
    private void awaitExclusive(Buffer frame) {
        if (frame.isExclusive()) {
            return;
        }
        waited++;
        long deadline = System.nanoTime() + EXCLUSIVE_WAIT_NANOS;
        while (!frame.isExclusive()) {
            if (System.nanoTime() - deadline > 0) {
                frame.writableSegment(); // throws, saying who else holds the frame
            }
            Thread.yield();
        }
    }
}
