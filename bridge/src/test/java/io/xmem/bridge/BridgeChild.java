package io.xmem.bridge;

import io.xmem.launch.ParentWatch;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A bridge in a child JVM: {@code BridgeChild egress|ingress RING DIRECTORY CHANNEL STREAM}. Says
 * {@code READY <aeron dir>} once launched, runs until its stdin closes, then closes the bridge
 * and says {@code CLOSED}. Killed, it leaves what a crashed bridge leaves.
 */
public final class BridgeChild {
    private BridgeChild() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        ParentWatch.start(); // a child of a launcher: leaves when its parent is gone
        BridgeConfig config = BridgeConfig.builder().ring(args[1]).directory(Path.of(args[2])).channel(args[3])
            .streamId(Integer.parseInt(args[4])).build();
        BridgeEndpoint bridge = args[0].equals("egress") ? Egress.launch(config) : Ingress.launch(config);
        Thread loop = new Thread(() -> {
            try {
                bridge.run();
            } finally {
                bridge.close();
            }
        }, "bridge");
        loop.start();
        System.out.println("READY " + bridge.aeronDirectory());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent closes our stdin to stop us
        }
        bridge.stop();
        loop.join();
        System.out.println("CLOSED");
        System.out.flush();
    }
}
