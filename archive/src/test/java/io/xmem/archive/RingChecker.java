package io.xmem.archive;

import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Subscription;

import java.util.ArrayList;
import java.util.List;

/**
 * Polls a ring on its own thread and checks that records {@code 0..count-1} of a plan arrive in
 * order and exactly as published; notes the arrival time of each (System.nanoTime) if asked.
 */
final class RingChecker implements MessageHandler, AutoCloseable {
    private final Subscription subscription;
    private final Records plan;
    private final long[] arrivals;
    private final Thread thread = new Thread(this::loop, "ring-checker");
    private final List<String> errors = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long received;

    RingChecker(Subscription subscription, Records plan, boolean timeArrivals) {
        this.subscription = subscription;
        this.plan = plan;
        this.arrivals = timeArrivals ? new long[(int) plan.count()] : null;
        thread.start();
    }

    private void loop() {
        try {
            while (running && received < plan.count()) {
                if (subscription.poll(this, 64) == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (RuntimeException e) {
            synchronized (errors) {
                errors.add("the checker failed: " + e);
            }
        }
    }

    @Override
    public void onMessage(Message m) {
        long k = received;
        if (arrivals != null && k < arrivals.length) {
            arrivals[(int) k] = System.nanoTime();
        }
        String why = plan.check(k, m.segment(), m.isInline(), m.timestamp(), m.tag());
        if (why != null) {
            synchronized (errors) {
                if (errors.size() < 10) {
                    errors.add(why);
                }
            }
        }
        received = k + 1;
    }

    /** Waits until every record arrived, or {@code millis} passed; returns how many arrived. */
    long await(long millis) throws InterruptedException {
        thread.join(millis);
        return received;
    }

    long received() {
        return received;
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    long[] arrivals() {
        return arrivals;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        subscription.close();
    }
}
