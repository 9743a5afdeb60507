package io.xmem.bridge.internal;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.xmem.pool.XmemException;
import org.agrona.IoUtil;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Aeron client of one bridge and, unless an external driver is named, its own embedded media
 * driver in a fresh directory {@code /dev/shm/xmem-bridge-PID-N}, deleted on close (and on start
 * by the next user, should a killed process leave one behind).
 *
 * <p>The embedded driver takes its settings from Aeron's own system properties
 * ({@code -Daeron.threading.mode=...}, {@code -Daeron.socket.so_rcvbuf=...}, ...), as any Aeron
 * user expects; where the threading mode is not set it runs {@link ThreadingMode#SHARED}: one
 * agent thread, so a bridge costs one core at most beside its own.
 */
public final class AeronMedia implements AutoCloseable {
    /** Directory prefix of embedded drivers, followed by the pid: tests clean up by it. */
    public static final String EMBEDDED_PREFIX = "xmem-bridge-";
    private static final long DRIVER_WAIT_MS = 10_000;
    private static final AtomicInteger EMBEDDED = new AtomicInteger();

    private final MediaDriver driver;
    private final Aeron aeron;
    private final String directory;

    private AeronMedia(MediaDriver driver, Aeron aeron, String directory) {
        this.driver = driver;
        this.aeron = aeron;
        this.directory = directory;
    }

    /**
     * Connects to the driver in {@code externalDirectory}, or starts an embedded one when it is
     * null and no {@code aeron.dir} system property names one.
     */
    public static AeronMedia connect(String externalDirectory) {
        return connect(externalDirectory, EMBEDDED_PREFIX);
    }

    /** As {@link #connect(String)}, naming an embedded driver's directory {@code prefix + PID-N}. */
    public static AeronMedia connect(String externalDirectory, String prefix) {
        try {
            return connectOrFail(externalDirectory, prefix);
        } catch (IllegalAccessError e) { // Agrona 2 reaches jdk.internal.misc.Unsafe
            throw new XmemException("Aeron needs the JVM flag --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED "
                + "on JDK 25 (the xmem tool's jar sets it itself): " + e.getMessage(), e);
        }
    }

    private static AeronMedia connectOrFail(String externalDirectory, String prefix) {
        String external = externalDirectory != null ? externalDirectory : System.getProperty("aeron.dir");
        if (external != null) {
            if (!CommonContext.isDriverActive(new File(external), DRIVER_WAIT_MS, s -> { })) {
                throw new XmemException("no active Aeron media driver in " + external
                    + ": start one there, or leave aeron.dir unset for an embedded driver");
            }
            return new AeronMedia(null, Aeron.connect(clientContext(external)), external);
        }
        String dir = new File(CommonContext.getAeronDirectoryName()).getParent() + File.separator + prefix
            + ProcessHandle.current().pid() + "-" + EMBEDDED.incrementAndGet();
        MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        if (System.getProperty("aeron.threading.mode") == null) {
            ctx.threadingMode(ThreadingMode.SHARED);
        }
        MediaDriver driver = MediaDriver.launch(ctx);
        try {
            Aeron aeron = Aeron.connect(clientContext(dir)
                .driverTimeoutMs(TimeUnit.SECONDS.toMillis(30)));
            return new AeronMedia(driver, aeron, dir);
        } catch (RuntimeException e) {
            driver.close();
            IoUtil.delete(new File(dir), true);
            throw e;
        }
    }

    /**
     * Aeron's default error handler ends the whole JVM (exit code -1) when the media driver stops
     * answering; a library must not. The client closes itself instead, and the next call on it
     * fails with an exception the bridge or the archive reports.
     */
    private static Aeron.Context clientContext(String directory) {
        return new Aeron.Context().aeronDirectoryName(directory)
            .errorHandler(e -> System.err.println("xmem: Aeron client of " + directory + ": " + e));
    }

    public Aeron aeron() {
        return aeron;
    }

    /** The Aeron directory in use. */
    public String directory() {
        return directory;
    }

    public boolean embedded() {
        return driver != null;
    }

    @Override
    public void close() {
        try {
            aeron.close();
        } finally {
            if (driver != null) {
                driver.close();
                IoUtil.delete(new File(directory), true);
            }
        }
    }
}
