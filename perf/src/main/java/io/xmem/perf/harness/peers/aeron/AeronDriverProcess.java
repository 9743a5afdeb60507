package io.xmem.perf.harness.peers.aeron;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.xmem.launch.ParentWatch;
import io.xmem.perf.harness.Idle;

import java.util.concurrent.CountDownLatch;

/**
 * The media driver of one run, in its own JVM: {@code AeronDriverProcess <aeron dir> <spin|backoff>}.
 * Prints {@value #READY} once the driver is up; closes it (deleting the directory) on SIGTERM, or by
 * itself when the harness that started it is gone ({@link ParentWatch}), so a crashed harness leaves
 * no driver behind.
 */
public final class AeronDriverProcess {
    static final String READY = "aeron-driver-ready";

    private AeronDriverProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        ParentWatch.start(); // its exit runs the shutdown hook below, which closes the driver
        MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(args[0])
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            // on IPC only the conductor works, and it is off the data path (see AeronIpcTransport)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(Idle.parse(args[1]).strategy())
            // log buffer pages allocated when the publication is added, not while messages flow
            .termBufferSparseFile(false);
        MediaDriver driver = MediaDriver.launch(context);
        Runtime.getRuntime().addShutdownHook(new Thread(driver::close, "aeron-driver-close"));
        System.out.println(READY);
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM or the watch ends this JVM
    }
}
