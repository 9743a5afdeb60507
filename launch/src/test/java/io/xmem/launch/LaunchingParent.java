package io.xmem.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A launcher as {@code examples/run} or {@code xmem demo} is one, in its own JVM, for the test
 * that kills it: creates the shared file {@code args[0]} and registers it, starts a
 * {@link SpinningChild}, prints {@code child PID} and waits to be killed.
 */
public final class LaunchingParent {
    private LaunchingParent() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path file = Files.createFile(Path.of(args[0]));
        Launcher launcher = new Launcher("launching parent");
        launcher.deleteOnClose(file);
        ChildProcess child = launcher.start(JvmCommand.of(SpinningChild.class).flags("-Xmx32m"));
        child.awaitLine("spinning", Duration.ofSeconds(60));
        System.out.println("child " + child.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
