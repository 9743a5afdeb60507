package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xmem create pool|ring NAME ...}: makes a pool or a ring from the command line and leaves it
 * in place, so the bridge, {@code xmem stat} or the Python reader can be tried without writing Java.
 *
 * <pre>{@code
 * xmem create pool frames --class 4KiB:1024 --class 8MiB:16
 * xmem create ring video --capacity 1MiB --pool frames
 * xmem rm video && xmem rm frames
 * }</pre>
 */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Creates a pool or a ring and leaves it for other processes to open.", "",
        "The files stay until 'xmem rm NAME' deletes them. Exit 1 if one of that name exists already, 2 for "
            + "a value the pool or ring does not take."},
    subcommands = {CreateCommand.NewPool.class, CreateCommand.NewRing.class},
    footer = {"", "Examples:",
        "  xmem create pool frames --class 4KiB:1024 --class 8MiB:16",
        "  xmem create ring video --capacity 1MiB --pool frames",
        "  xmem create ring quotes --capacity 64KiB --lossy --max-subscribers 64"})
final class CreateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing kind: 'xmem create pool NAME --class SIZE:COUNT' "
            + "or 'xmem create ring NAME --capacity BYTES'");
    }

    /** Options both kinds take. */
    static final class Common {
        @Parameters(index = "0", paramLabel = "NAME",
            description = "Its name: 1 to 200 of A-Z a-z 0-9 . _ -, starting with a letter or digit.")
        String name;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "Directory of its files (default: ${DEFAULT-VALUE}); every process must use the same.")
        Path dir;

        @Option(names = "--permissions", paramLabel = "PERMS", defaultValue = "rw-------",
            description = "Permissions of its files as ls shows them (default: ${DEFAULT-VALUE}, this user only; "
                + "rw-rw---- lets the group open it too).")
        String permissions;
    }

    @Command(name = "pool", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Creates pool NAME (NAME.pool and NAME.pool.lock) with the given size classes.", "",
            "Every buffer is allocated in the file at once: the pool takes the sum of its classes in DIR "
                + "(/dev/shm is memory)."})
    static final class NewPool implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Common common;

        @Option(names = "--class", paramLabel = "SIZE:COUNT", required = true,
            converter = SizeClass.Converter.class,
            description = "A size class: COUNT buffers of SIZE bytes (4096:1024, 8MiB:16); repeat for more, up to 64.")
        List<SizeClass> classes;

        @Option(names = "--max-participants", paramLabel = "N", defaultValue = "32",
            description = "Processes that may use the pool at once, 1 to 40 (default: ${DEFAULT-VALUE}).")
        int maxParticipants;

        @Option(names = "--alignment", paramLabel = "BYTES", defaultValue = "64",
            description = "Alignment of every buffer, a power of two up to 4096 (default: ${DEFAULT-VALUE}).")
        int alignment;

        @Option(names = "--zero-on-acquire", description = "Zero each buffer when it is acquired.")
        boolean zeroOnAcquire;

        @Override
        public Integer call() {
            PoolConfig config = UsageErrors.configured(spec.commandLine(), () -> {
                PoolConfig.Builder b = PoolConfig.builder().directory(common.dir).permissions(common.permissions)
                    .maxParticipants(maxParticipants).alignment(alignment).zeroOnAcquire(zeroOnAcquire);
                classes.forEach(c -> b.sizeClass(c.size(), c.count()));
                return b.build();
            });
            long bytes = 0;
            StringBuilder shape = new StringBuilder();
            for (SizeClass c : classes) {
                bytes += c.size() * c.count();
                shape.append(shape.isEmpty() ? "" : " + ").append(c.count()).append(" x ")
                    .append(Bytes.format(c.size()));
            }
            try (BufferPool pool = BufferPool.create(common.name, config)) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("created pool '%s' in %s: %s (%s of buffers); 'xmem rm %s' deletes it%n", pool.name(),
                    common.dir, shape, Bytes.format(bytes), pool.name());
                out.flush();
            }
            return XmemCli.OK;
        }
    }

    @Command(name = "ring", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Creates ring NAME (NAME.ring and NAME.ring.lock), inline only or bound to a pool.", "",
            "A ring bound to a pool (--pool, which must exist in DIR) carries references to its buffers as well as "
                + "inline messages."})
    static final class NewRing implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Common common;

        @Option(names = "--capacity", paramLabel = "BYTES", defaultValue = "1MiB", converter = Bytes.Converter.class,
            description = "Bytes of record log, a power of two from 4 KiB to 1 GiB (default: ${DEFAULT-VALUE}).")
        long capacity;

        @Option(names = "--pool", paramLabel = "POOL",
            description = "The pool whose buffers records may refer to (default: none, inline messages only).")
        String pool;

        @Option(names = "--lossy",
            description = "Publishers never wait; a subscriber a whole log behind loses records and is told how many "
                + "(default: reliable, the slowest live subscriber holds publishers back).")
        boolean lossy;

        @Option(names = "--subscriber-timeout", paramLabel = "SECONDS",
            description = "Evict a live subscriber that holds publishers back longer than this (its next poll says "
                + "so); also lets 'xmem evict' evict one (default: none, strictly reliable). Not with --lossy.")
        Double subscriberTimeout;

        @Option(names = "--max-subscribers", paramLabel = "N", defaultValue = "16",
            description = "Subscribers at once, 1 to 1024 (default: ${DEFAULT-VALUE}).")
        int maxSubscribers;

        @Option(names = "--max-inline", paramLabel = "BYTES", converter = Bytes.Converter.class,
            description = "Longest inline message (default and most: capacity / 8 - 24).")
        Long maxInline;

        @Option(names = "--no-wakeups",
            description = "No futex wake-ups: publishers never wake sleepers; subscribers' await parks in short steps.")
        boolean noWakeups;

        @Override
        public Integer call() {
            RingConfig config = UsageErrors.configured(spec.commandLine(), () -> {
                RingConfig.Builder b = RingConfig.builder().directory(common.dir).permissions(common.permissions)
                    .capacity(asInt("--capacity", capacity)).pool(pool).lossy(lossy)
                    .maxSubscribers(maxSubscribers).wakeups(!noWakeups);
                if (maxInline != null) {
                    b.maxInlineLength(asInt("--max-inline", maxInline));
                }
                if (subscriberTimeout != null) {
                    b.subscriberTimeout(Duration.ofNanos((long) (subscriberTimeout * 1e9)));
                }
                return b.build();
            });
            try (Ring ring = Ring.create(common.name, config)) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("created ring '%s' in %s: %s of log, %s, %s, up to %d subscribers; "
                    + "'xmem rm %s' deletes it%n",
                    ring.name(), common.dir, Bytes.format(ring.capacity()), mode(),
                    pool == null ? "inline messages only" : "references to pool '" + pool + "'", maxSubscribers,
                    ring.name());
                out.flush();
            }
            return XmemCli.OK;
        }

        /** Lossy or reliable, and when a reliable ring evicts. */
        private String mode() {
            return lossy ? "lossy" : subscriberTimeout == null ? "reliable" : "reliable, evicting a subscriber that "
                + "holds publishers back " + StatCommand.WatchInterval.format(subscriberTimeout) + " s";
        }
    }

    /** A byte count for a setting that takes an int. */
    private static int asInt(String option, long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidConfigException(option + " must be less than 2 GiB, was " + Bytes.format(bytes));
        }
        return (int) bytes;
    }

    /** One {@code --class SIZE:COUNT}. */
    record SizeClass(long size, int count) {
        /** Takes {@code 8MiB:16} as well as {@code 8388608:16}. */
        static final class Converter implements CommandLine.ITypeConverter<SizeClass> {
            @Override
            public SizeClass convert(String value) {
                int colon = value.lastIndexOf(':');
                if (colon <= 0 || colon == value.length() - 1) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not SIZE:COUNT, e.g. 8MiB:16");
                }
                long size;
                try {
                    size = Bytes.parse(value.substring(0, colon));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.TypeConversionException(e.getMessage());
                }
                try {
                    return new SizeClass(size, Integer.parseInt(value.substring(colon + 1).trim()));
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException("'" + value.substring(colon + 1)
                        + "' is not a count of buffers");
                }
            }
        }
    }
}
