package io.xmem.ring;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolStats;
import io.xmem.pool.XmemException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The other process of the cross-process ring tests: a ring user driven by line commands on
 * stdin, answering each with one line, {@code OK [payload]} or {@code ERR ExceptionName message}.
 * Streams run as a background job (one at a time) so the test can watch, pause or kill the
 * child mid-stream. Exits when its stdin closes.
 *
 * <pre>
 * PING                                      OK pid
 * OPEN ring                                 OK capacity
 * PUB ring | SUB ring                       OK position
 * CLOSEPUB ring | CLOSESUB ring | CLOSERING ring    OK
 * OFFER ring seq refEvery                   OK result    (one attempt, record seq of {@link Payloads})
 * OFFERINLINE ring length                   OK result    (zero bytes)
 * OFFERREF2 seq ringA ringB                 OK token     (one buffer referenced by both rings)
 * POLL ring limit refEvery                  OK n=.. seqs=a,b errors=.. firstError=..
 * PUBLISH ring first count refEvery         OK           (job: publishes first..first+count-1)
 * CONSUME ring first count pollLimit refEvery retainSeq   OK   (job: first -1 = any, count -1 = until STOP)
 * PROGRESS                                  OK key=value ...
 * AWAIT ms | AWAITSEQ seq ms                OK key=value ... of the job
 * PAUSE | RESUME | STOP                     OK           (PAUSE answers once the consumer is idle outside poll)
 * RETAINED                                  OK token     (of the consumer's retained buffer)
 * RETAINEDCHECK                             OK           (its whole pattern is intact)
 * RETAINEDCLOSE                             OK
 * FREE ring                                 OK free buffers of the ring's pool
 * POOLOPENORCREATE pool size count          OK pool id in hex        (BufferPool.openOrCreate)
 * OPENORCREATE ring pool capacity           OK capacity              (Ring.openOrCreate)
 * CONNECTED ring                            OK connected=.. endOfStream=..  (of its subscription)
 * CHECKEDUSE ring                           OK buffer=.. message=..  (segments used after their end)
 * SLEEP ring ms                             OK true|false            (await on its subscription)
 * </pre>
 */
public final class RingChild {
    private final Map<String, Ring> rings = new HashMap<>();
    private final List<BufferPool> pools = new ArrayList<>();
    private final Map<String, Publication> pubs = new HashMap<>();
    private final Map<String, Subscription> subs = new HashMap<>();
    private final MemorySegment scratch = Arena.ofAuto().allocate(4096, 8);
    private Job job;

    public static void main(String[] args) throws IOException {
        ParentWatch.start(); // a child of a launcher: leaves when its parent is gone
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but answers on stdout
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        RingChild child = new RingChild();
        out.println("READY " + ProcessHandle.current().pid());
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                String payload = child.execute(line.trim().split(" +"));
                answer = payload.isEmpty() ? "OK" : "OK " + payload;
            } catch (Throwable t) {
                answer = "ERR " + t.getClass().getSimpleName() + " " + oneLine(t.getMessage());
                if (!(t instanceof XmemException)) {
                    t.printStackTrace();
                }
            }
            out.println(answer);
        }
        Runtime.getRuntime().halt(0); // the test JVM is gone
    }

    static String oneLine(String s) {
        return String.valueOf(s).replace('\n', ' ').replace('\r', ' ');
    }

    private String execute(String[] c) throws Exception {
        return switch (c[0]) {
            case "PING" -> Long.toString(ProcessHandle.current().pid());
            case "OPEN" -> {
                Ring r = Ring.open(c[1]);
                rings.put(c[1], r);
                yield Integer.toString(r.capacity());
            }
            case "POOLOPENORCREATE", "OPENORCREATE", "CONNECTED", "CHECKEDUSE" -> lifeCommand(c);
            case "SLEEP" -> Boolean.toString(sub(c[1]).await(Duration.ofMillis(Long.parseLong(c[2]))));
            case "PUB" -> {
                Publication p = ring(c[1]).publication();
                pubs.put(c[1], p);
                yield Long.toString(p.position());
            }
            case "SUB" -> {
                Subscription s = ring(c[1]).subscription();
                subs.put(c[1], s);
                yield Long.toString(s.position());
            }
            case "CLOSEPUB" -> {
                pubs.remove(c[1]).close();
                yield "";
            }
            case "CLOSESUB" -> {
                subs.remove(c[1]).close();
                yield "";
            }
            case "CLOSERING" -> {
                pubs.remove(c[1]);
                subs.remove(c[1]);
                rings.remove(c[1]).close();
                yield "";
            }
            case "OFFER" -> Long.toString(offerOnce(pub(c[1]), ring(c[1]).pool(), Long.parseLong(c[2]),
                Integer.parseInt(c[3])));
            case "OFFERINLINE" ->
                Long.toString(pub(c[1]).offer(MemorySegment.ofArray(new byte[Integer.parseInt(c[2])])));
            case "OFFERREF2" -> offerToBoth(Long.parseLong(c[1]), c[2], c[3]);
            case "POLL" -> poll(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]));
            case "PUBLISH" -> start(new PublishJob(pub(c[1]), ring(c[1]).pool(), Long.parseLong(c[2]),
                Long.parseLong(c[3]), Integer.parseInt(c[4])));
            case "CONSUME" -> start(new ConsumeJob(sub(c[1]), Long.parseLong(c[2]), Long.parseLong(c[3]),
                Integer.parseInt(c[4]), Integer.parseInt(c[5]), Long.parseLong(c[6])));
            case "PROGRESS" -> job().report();
            case "AWAIT" -> job().await(Long.parseLong(c[1]));
            case "AWAITSEQ" -> ((ConsumeJob) job()).awaitSeq(Long.parseLong(c[1]), Long.parseLong(c[2]));
            case "PAUSE" -> ((ConsumeJob) job()).pause();
            case "RESUME" -> ((ConsumeJob) job()).resume();
            case "STOP" -> {
                job().stop = true;
                yield "";
            }
            case "RETAINED" -> Long.toHexString(retained().token());
            case "RETAINEDCHECK" -> {
                ConsumeJob cj = (ConsumeJob) job();
                String problem = Payloads.checkBuffer(retained().segment(), cj.retainSeq, 0);
                if (problem != null) {
                    throw new IllegalStateException(problem);
                }
                yield "";
            }
            case "RETAINEDCLOSE" -> {
                retained().close();
                yield "";
            }
            case "FREE" -> {
                PoolStats stats = ring(c[1]).pool().stats();
                yield Integer.toString(stats.totalFree());
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    /** The commands of an application's life: open-or-create, connection, checked segments. */
    private String lifeCommand(String[] c) {
        return switch (c[0]) {
            case "POOLOPENORCREATE" -> {
                BufferPool pool = BufferPool.openOrCreate(c[1], PoolConfig.builder()
                    .sizeClass(Long.parseLong(c[2]), Integer.parseInt(c[3])).build());
                pools.add(pool);
                yield Long.toHexString(pool.id());
            }
            case "OPENORCREATE" -> {
                Ring r = Ring.openOrCreate(c[1], RingConfig.builder().pool(c[2]).capacity(Integer.parseInt(c[3]))
                    .build());
                rings.put(c[1], r);
                yield Integer.toString(r.capacity());
            }
            case "CONNECTED" -> "connected=" + sub(c[1]).isConnected() + " endOfStream=" + sub(c[1]).isEndOfStream();
            case "CHECKEDUSE" -> checkedUse(ring(c[1]));
            default -> throw new IllegalArgumentException(c[0]);
        };
    }

    /** With -Dxmem.checkedSegments=true: segments used after their handle closed or their record passed. */
    private static String checkedUse(Ring ring) {
        MemorySegment kept;
        try (Buffer b = ring.pool().acquire(64)) {
            kept = b.segment();
        }
        String buffer = outcome(() -> kept.get(ValueLayout.JAVA_BYTE, 0));
        MemorySegment[] fromMessage = new MemorySegment[1];
        try (Subscription sub = ring.subscription(); Publication pub = ring.publication()) {
            try (Buffer b = ring.pool().acquire(64)) {
                pub.offer(b);
            }
            sub.poll(m -> fromMessage[0] = m.segment(), 1);
        }
        String message = outcome(() -> fromMessage[0].get(ValueLayout.JAVA_BYTE, 0));
        return "buffer=" + buffer + " message=" + message;
    }

    private static String outcome(Runnable use) {
        try {
            use.run();
            return "read";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    private Ring ring(String name) {
        Ring r = rings.get(name);
        if (r == null) {
            throw new IllegalStateException("ring " + name + " is not open here");
        }
        return r;
    }

    private Publication pub(String name) {
        Publication p = pubs.get(name);
        if (p == null) {
            throw new IllegalStateException("no publication on " + name);
        }
        return p;
    }

    private Subscription sub(String name) {
        Subscription s = subs.get(name);
        if (s == null) {
            throw new IllegalStateException("no subscription on " + name);
        }
        return s;
    }

    private Job job() {
        if (job == null) {
            throw new IllegalStateException("no job started");
        }
        return job;
    }

    private Buffer retained() {
        Buffer b = ((ConsumeJob) job()).retained;
        if (b == null) {
            throw new IllegalStateException("no buffer retained");
        }
        return b;
    }

    private String start(Job j) {
        if (job != null && job.thread.isAlive()) {
            throw new IllegalStateException("a job is still running");
        }
        job = j;
        j.thread.start();
        return "";
    }

    /** One attempt to publish record {@code seq}; the result code of the offer. */
    private long offerOnce(Publication p, BufferPool pool, long seq, int refEvery) {
        if (Payloads.isReference(seq, refEvery)) {
            try (Buffer b = pool.acquire(Payloads.REF_SIZE)) {
                Payloads.fillBuffer(b.segment(), seq);
                long offset = Payloads.refOffset(seq);
                return p.offer(b, offset, Payloads.REF_SIZE - offset, Payloads.timestamp(seq), seq);
            }
        }
        int length = Payloads.writeInline(scratch, seq);
        return p.offer(scratch.asSlice(0, length));
    }

    private String offerToBoth(long seq, String a, String b) {
        BufferPool pool = ring(a).pool();
        try (Buffer buf = pool.acquire(Payloads.REF_SIZE)) {
            Payloads.fillBuffer(buf.segment(), seq);
            long offset = Payloads.refOffset(seq);
            for (String name : List.of(a, b)) {
                long r = pub(name).offer(buf, offset, Payloads.REF_SIZE - offset, Payloads.timestamp(seq), seq);
                if (r < 0) {
                    throw new IllegalStateException("offer to " + name + " gave " + r);
                }
            }
            return Long.toHexString(buf.token());
        }
    }

    private String poll(String name, int limit, int refEvery) {
        List<Long> seqs = new ArrayList<>();
        String[] firstError = {null};
        int n = sub(name).poll(m -> {
            long seq = Payloads.sequenceOf(m);
            seqs.add(seq);
            String problem = Payloads.check(m, seq, refEvery);
            if (problem != null && firstError[0] == null) {
                firstError[0] = problem;
            }
        }, limit);
        StringBuilder sb = new StringBuilder("n=").append(n).append(" seqs=");
        for (int i = 0; i < seqs.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(seqs.get(i));
        }
        sb.append(" errors=").append(firstError[0] == null ? 0 : 1);
        if (firstError[0] != null) {
            sb.append(" firstError=").append(firstError[0].replace(' ', '_'));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- jobs

    abstract static class Job implements Runnable {
        final Thread thread = new Thread(this, "ring-child-job");
        volatile boolean stop;
        volatile Throwable failure;

        abstract String report();

        @Override
        public final void run() {
            try {
                work();
            } catch (Throwable t) {
                failure = t;
                t.printStackTrace();
            }
        }

        abstract void work() throws Exception;

        String await(long millis) throws InterruptedException {
            thread.join(millis);
            if (thread.isAlive()) {
                throw new IllegalStateException("job still running after " + millis + " ms: " + report());
            }
            return report();
        }

        String failureText() {
            Throwable t = failure;
            return t == null ? "" : " failure=" + (t.getClass().getSimpleName() + ":"
                + oneLine(t.getMessage())).replace(' ', '_');
        }

        static void idle(int n) {
            if (n < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Publishes records {@code first..first+count-1}, retrying while back-pressured. */
    final class PublishJob extends Job {
        private final Publication pub;
        private final BufferPool pool;
        private final long first;
        private final long count;
        private final int refEvery;
        volatile long published;
        volatile long lastPosition;
        volatile long backPressured;
        volatile long notConnected;

        PublishJob(Publication pub, BufferPool pool, long first, long count, int refEvery) {
            this.pub = pub;
            this.pool = pool;
            this.first = first;
            this.count = count;
            this.refEvery = refEvery;
        }

        @Override
        void work() {
            MemorySegment inline = Arena.ofAuto().allocate(Payloads.MAX_INLINE, 8);
            for (long seq = first; seq < first + count && !stop; seq++) {
                long r;
                if (Payloads.isReference(seq, refEvery)) {
                    Buffer b = null;
                    for (int n = 0; b == null && !stop; n++) {
                        b = pool.tryAcquire(Payloads.REF_SIZE);
                        if (b == null) {
                            idle(n);
                        }
                    }
                    if (b == null) {
                        return;
                    }
                    try (Buffer buf = b) {
                        Payloads.fillBuffer(buf.segment(), seq);
                        long offset = Payloads.refOffset(seq);
                        long s = seq;
                        r = retry(() -> pub.offer(buf, offset, Payloads.REF_SIZE - offset, Payloads.timestamp(s), s),
                            seq);
                    }
                } else {
                    int length = Payloads.writeInline(inline, seq);
                    MemorySegment msg = inline.asSlice(0, length);
                    r = retry(() -> pub.offer(msg), seq);
                }
                if (r < 0) {
                    return; // stopped
                }
                lastPosition = r;
                published = seq - first + 1;
            }
        }

        private long retry(LongSupplier offer, long seq) {
            for (int n = 0; ; n++) {
                long r = offer.getAsLong();
                if (r > 0) {
                    return r;
                }
                if (r == Publication.BACK_PRESSURED) {
                    backPressured++;
                } else if (r == Publication.NOT_CONNECTED) {
                    notConnected++;
                } else {
                    throw new IllegalStateException("offer of seq " + seq + " gave " + r);
                }
                if (stop) {
                    return r;
                }
                idle(n);
            }
        }

        @Override
        String report() {
            return "done=" + !thread.isAlive() + " published=" + published + " lastSeq=" + (first + published - 1)
                + " position=" + lastPosition + " backPressured=" + backPressured + " notConnected=" + notConnected
                + failureText();
        }
    }

    /** Polls and checks every record: order (no gap, no duplicate), payload, and a checksum. */
    final class ConsumeJob extends Job {
        private final Subscription sub;
        private final long count;
        private final int pollLimit;
        private final int refEvery;
        final long retainSeq;
        volatile Buffer retained;
        volatile long received;
        volatile long firstSeq = -1;
        volatile long lastSeq = -1;
        volatile long position;
        volatile long errors;
        volatile long references;
        volatile String firstError;
        private long expected;
        private volatile long checksum;
        private volatile boolean pauseRequested;
        private volatile boolean paused;
        private final MessageHandler handler = this::onMessage;

        ConsumeJob(Subscription sub, long first, long count, int pollLimit, int refEvery, long retainSeq) {
            this.sub = sub;
            this.expected = first;
            this.count = count;
            this.pollLimit = pollLimit;
            this.refEvery = refEvery;
            this.retainSeq = retainSeq;
            this.position = sub.position();
        }

        @Override
        void work() {
            int idle = 0;
            while (!stop && (count < 0 || received < count)) {
                if (pauseRequested) {
                    paused = true;
                    while (pauseRequested && !stop) {
                        Thread.onSpinWait();
                        Thread.yield();
                    }
                    paused = false;
                    continue;
                }
                int n = sub.poll(handler, pollLimit);
                position = sub.position();
                if (n == 0) {
                    idle(idle++);
                } else {
                    idle = 0;
                }
            }
        }

        private void onMessage(Message m) {
            long seq = Payloads.sequenceOf(m);
            if (firstSeq < 0) {
                firstSeq = seq;
            }
            if (expected >= 0 && seq != expected) {
                error("expected seq " + expected + " but got " + seq + " at position " + m.position());
            }
            String problem = Payloads.check(m, seq, refEvery);
            if (problem != null) {
                error(problem);
            }
            if (!m.isInline()) {
                references++;
                if (seq == retainSeq) {
                    retained = m.retain();
                }
            }
            checksum += Payloads.checksum(seq);
            expected = seq + 1;
            lastSeq = seq;
            received++;
        }

        private void error(String what) {
            if (firstError == null) {
                firstError = what;
            }
            errors++;
        }

        String pause() throws InterruptedException {
            pauseRequested = true;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!paused && thread.isAlive()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("consumer did not pause");
                }
                Thread.sleep(1);
            }
            return report();
        }

        String resume() {
            pauseRequested = false;
            return "";
        }

        String awaitSeq(long seq, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (lastSeq < seq && thread.isAlive()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("seq " + seq + " not seen after " + millis + " ms: " + report());
                }
                Thread.sleep(1);
            }
            return report();
        }

        @Override
        String report() {
            String e = firstError;
            return "done=" + !thread.isAlive() + " received=" + received + " firstSeq=" + firstSeq + " lastSeq="
                + lastSeq + " position=" + position + " references=" + references + " errors=" + errors
                + " checksum=" + Long.toHexString(checksum) + failureText()
                + (e == null ? "" : " firstError=" + e.replace(' ', '_'));
        }
    }
}
