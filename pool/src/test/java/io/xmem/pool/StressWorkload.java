package io.xmem.pool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Many threads acquiring, tagging, sharing and releasing buffers of one small size class, run
 * the same way in the test JVM and in a child. Tokens cross processes through a mailbox: a
 * pool buffer both sides hold for the whole run, each 8-byte entry the latest token someone
 * published there.
 *
 * <p>An owner writes a tag into each buffer it acquires (pid, thread, iteration, token,
 * length, check word), publishes the token, and after a pause checks the tag is unchanged: a
 * buffer handed out twice would be overwritten by its second owner. Whoever attaches a
 * published token, in either process, checks the tag names that very token: a stale token
 * that reached a new incarnation would find another token there. Retained handles travel
 * between threads of one process through a queue and are checked by their receiver.
 */
final class StressWorkload {
    static final int MAILBOX_ENTRIES = 64;
    static final long MAILBOX_BYTES = MAILBOX_ENTRIES * (long) Long.BYTES;

    private static final long PID = 0, THREAD = 8, ITERATION = 16, TOKEN = 24, LENGTH = 32, CHECK = 40;
    static final long MIN_BUFFER = 48;
    private static final VarHandle MAILBOX = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();

    /** Counts of one run in one process; {@code errors} must be zero. */
    record Result(long ops, long errors, long attachedLocal, long attachedRemote, long stale, long handedOff,
                  long exhausted, String firstError) {
        String encode() {
            return "ops=" + ops + " errors=" + errors + " attachedLocal=" + attachedLocal + " attachedRemote="
                + attachedRemote + " stale=" + stale + " handedOff=" + handedOff + " exhausted=" + exhausted
                + " firstError=" + firstError.replace(' ', '_');
        }

        static Result decode(String payload) {
            var m = ChildJvm.pairs(payload);
            return new Result(Long.parseLong(m.get("ops")), Long.parseLong(m.get("errors")),
                Long.parseLong(m.get("attachedLocal")), Long.parseLong(m.get("attachedRemote")),
                Long.parseLong(m.get("stale")), Long.parseLong(m.get("handedOff")), Long.parseLong(m.get("exhausted")),
                m.getOrDefault("firstError", "-"));
        }
    }

    private record Handed(Buffer buffer, long token, long thread, long iteration, long length) {
    }

    private final BufferPool pool;
    private final MemorySegment mailbox;
    private final long classSize;
    private final long pid = ProcessHandle.current().pid();
    private final long myBit;
    private final Queue<Handed> handoff = new ConcurrentLinkedQueue<>();
    private final LongAdder ops = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder attachedLocal = new LongAdder();
    private final LongAdder attachedRemote = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder handedOff = new LongAdder();
    private final LongAdder exhausted = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>("-");

    private StressWorkload(BufferPool pool, MemorySegment mailbox, long classSize) {
        this.pool = pool;
        this.mailbox = mailbox;
        this.classSize = classSize;
        this.myBit = 1L << pool.participantIndex();
    }

    /**
     * Runs {@code threads} threads for {@code millis} on buffers of up to {@code classSize}
     * bytes; returns when all have stopped and every handle they took is closed.
     */
    static Result run(BufferPool pool, MemorySegment mailbox, int threads, long millis, long classSize) {
        if (classSize < MIN_BUFFER || mailbox.byteSize() < MAILBOX_BYTES) {
            throw new IllegalArgumentException("buffers of at least " + MIN_BUFFER + " bytes and a mailbox of "
                + MAILBOX_BYTES + " are needed");
        }
        StressWorkload w = new StressWorkload(pool, mailbox, classSize);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> w.loop(id, deadline), "stress-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            try {
                worker.join(millis + 60_000); // hang guard
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                w.error("interrupted while joining " + worker.getName());
            }
            if (worker.isAlive()) {
                w.error(worker.getName() + " still running 60 s after the end of the run");
            }
        }
        w.drainHandoff();
        return new Result(w.ops.sum(), w.errors.sum(), w.attachedLocal.sum(), w.attachedRemote.sum(), w.stale.sum(),
            w.handedOff.sum(), w.exhausted.sum(), w.firstError.get());
    }

    private void loop(int thread, long deadline) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long iteration = 0;
        try {
            while (System.nanoTime() - deadline < 0) {
                iteration++;
                int pick = rnd.nextInt(10);
                if (pick < 5) {
                    own(thread, iteration, false, rnd);
                } else if (pick < 6) {
                    own(thread, iteration, true, rnd);
                } else if (pick < 9) {
                    attachPublished(rnd);
                } else {
                    drainOne();
                }
            }
        } catch (Throwable t) {
            error("thread " + thread + " died: " + t);
        } finally {
            drainHandoff();
        }
    }

    private void own(long thread, long iteration, boolean timed, ThreadLocalRandom rnd) {
        long length = rnd.nextLong(MIN_BUFFER, classSize + 1);
        Buffer b;
        if (timed) {
            try {
                b = pool.acquire(length, Duration.ofMillis(2));
            } catch (PoolExhaustedException e) {
                b = null;
            }
        } else {
            b = pool.tryAcquire(length);
        }
        if (b == null) {
            exhausted.increment();
            drainOne(); // what we hand off must come back, or everyone starves
            return;
        }
        long token = b.token();
        try {
            checkMyBit(token, "after acquire");
            if (b.length() != length) {
                error("acquire(" + length + ") gave a buffer of " + b.length());
            }
            MemorySegment s = b.segment();
            s.set(ValueLayout.JAVA_LONG, PID, pid);
            s.set(ValueLayout.JAVA_LONG, THREAD, thread);
            s.set(ValueLayout.JAVA_LONG, ITERATION, iteration);
            s.set(ValueLayout.JAVA_LONG, TOKEN, token);
            s.set(ValueLayout.JAVA_LONG, LENGTH, length);
            s.set(ValueLayout.JAVA_LONG, CHECK, check(pid, thread, iteration, token, length));
            // Release: the tag is in place before anyone can read the token.
            MAILBOX.setRelease(mailbox, (long) rnd.nextInt(MAILBOX_ENTRIES) * Long.BYTES, token);
            if (rnd.nextInt(4) == 0) {
                handoff.add(new Handed(b.retain(), token, thread, iteration, length));
                handedOff.increment();
            }
            pause(rnd);
            verifyOwn(s, token, thread, iteration, length);
            checkMyBit(token, "before release");
            ops.increment();
        } finally {
            b.close();
        }
    }

    private void attachPublished(ThreadLocalRandom rnd) {
        long token = (long) MAILBOX.getAcquire(mailbox, (long) rnd.nextInt(MAILBOX_ENTRIES) * Long.BYTES);
        if (token == 0) {
            return;
        }
        Buffer a;
        try {
            a = pool.attach(token);
        } catch (StaleTokenException e) {
            stale.increment();
            return;
        }
        try {
            checkMyBit(token, "after attach");
            MemorySegment s = a.segment();
            long owner = s.get(ValueLayout.JAVA_LONG, PID);
            long thread = s.get(ValueLayout.JAVA_LONG, THREAD);
            long iteration = s.get(ValueLayout.JAVA_LONG, ITERATION);
            long length = s.get(ValueLayout.JAVA_LONG, LENGTH);
            long seen = s.get(ValueLayout.JAVA_LONG, TOKEN);
            if (seen != token || s.get(ValueLayout.JAVA_LONG, CHECK) != check(owner, thread, iteration, token,
                length)) {
                error("attach(0x" + Long.toHexString(token) + ") reached a buffer tagged for token 0x"
                    + Long.toHexString(seen) + " (a stale token reached new data, or the tag was overwritten)");
                return;
            }
            if (a.length() != length) {
                error("attach(0x" + Long.toHexString(token) + ") has length " + a.length() + ", its owner asked for "
                    + length);
            }
            if (rnd.nextBoolean()) {
                try (Buffer again = a.retain()) {
                    checkMyBit(token, "after retain of an attached buffer");
                    if (again.segment().get(ValueLayout.JAVA_LONG, TOKEN) != token) {
                        error("retained handle sees another token");
                    }
                }
                checkMyBit(token, "after closing a retained handle while the attached one is open");
            }
            (owner == pid ? attachedLocal : attachedRemote).increment();
        } finally {
            a.close();
        }
    }

    private void drainOne() {
        Handed h = handoff.poll();
        if (h != null) {
            try (Buffer b = h.buffer()) {
                checkMyBit(h.token(), "on a handed-off handle");
                verifyOwn(b.segment(), h.token(), h.thread(), h.iteration(), h.length());
            }
        }
    }

    private void drainHandoff() {
        Handed h;
        while ((h = handoff.poll()) != null) {
            try (Buffer b = h.buffer()) {
                verifyOwn(b.segment(), h.token(), h.thread(), h.iteration(), h.length());
            } catch (RuntimeException e) {
                error("closing a handed-off handle: " + e);
            }
        }
    }

    private void verifyOwn(MemorySegment s, long token, long thread, long iteration, long length) {
        if (s.get(ValueLayout.JAVA_LONG, PID) != pid || s.get(ValueLayout.JAVA_LONG, THREAD) != thread
            || s.get(ValueLayout.JAVA_LONG, ITERATION) != iteration || s.get(ValueLayout.JAVA_LONG, TOKEN) != token
            || s.get(ValueLayout.JAVA_LONG, LENGTH) != length
            || s.get(ValueLayout.JAVA_LONG, CHECK) != check(pid, thread, iteration, token, length)) {
            error("buffer 0x" + Long.toHexString(token) + " of pid " + pid + " thread " + thread + " iteration "
                + iteration + " was overwritten while held: now pid " + s.get(ValueLayout.JAVA_LONG, PID) + " thread "
                + s.get(ValueLayout.JAVA_LONG, THREAD) + " iteration " + s.get(ValueLayout.JAVA_LONG, ITERATION)
                + " token 0x" + Long.toHexString(s.get(ValueLayout.JAVA_LONG, TOKEN)));
        }
    }

    private void checkMyBit(long token, String when) {
        long holders = pool.holders(token);
        if ((holders & myBit) == 0) {
            error("holder mask 0x" + Long.toHexString(holders) + " of 0x" + Long.toHexString(token) + " lacks this "
                + "process's bit 0x" + Long.toHexString(myBit) + " " + when);
        }
    }

    private static void pause(ThreadLocalRandom rnd) {
        if (rnd.nextInt(16) == 0) {
            LockSupport.parkNanos(1_000_000); // long enough for the other process to attach
        } else {
            for (int i = rnd.nextInt(200); i > 0; i--) {
                Thread.onSpinWait();
            }
        }
    }

    private static long check(long pid, long thread, long iteration, long token, long length) {
        return ~(pid * 31 + thread) ^ (iteration * 0x9E3779B97F4A7C15L) ^ Long.rotateLeft(token, 17) ^ (length << 40);
    }

    private void error(String what) {
        errors.increment();
        firstError.compareAndSet("-", what);
    }
}
