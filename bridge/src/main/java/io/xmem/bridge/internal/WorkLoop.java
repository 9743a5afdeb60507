package io.xmem.bridge.internal;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The life of something that does its work in rounds on the caller's thread until stopped from
 * another one (a shutdown hook): a bridge endpoint, the archive's recorder. {@link #run} idles
 * when a round did nothing; {@link #stop} makes it return; {@link #stopAndAwaitClosed} also waits
 * until the owner said {@link #closed}.
 *
 * <pre>{@code
 * WorkLoop loop = new WorkLoop(new BackoffIdleStrategy());
 * loop.run(this::doWork);                     // on this thread, until loop.stop()
 * }</pre>
 */
public final class WorkLoop {
    private final IdleStrategy idle;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean running = true; // written by the stopping thread, read by the loop's

    public WorkLoop(IdleStrategy idle) {
        this.idle = idle;
    }

    public IdleStrategy idle() {
        return idle;
    }

    /** Runs {@code work} until {@link #stop()}, idling after a round that did nothing. */
    public void run(IntSupplier work) {
        while (running) {
            idle.idle(work.getAsInt());
        }
    }

    public boolean isRunning() {
        return running;
    }

    public void stop() {
        running = false;
    }

    /** Stops and waits up to {@code timeoutMillis} for {@link #closed()}; for shutdown hooks. */
    public boolean stopAndAwaitClosed(long timeoutMillis) throws InterruptedException {
        stop();
        return closed.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The owner has closed everything: whoever waits in {@link #stopAndAwaitClosed} may go on. */
    public void closed() {
        closed.countDown();
    }
}
