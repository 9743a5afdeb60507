package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import io.xmem.tools.Idle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The pong side of {@link PingPongCommand}: echoes every message from one ring onto the other. */
@Command(name = "pong", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of pingpong: echoes every message until the stop message.")
final class Pong implements Callable<Integer>, MessageHandler {
    @Option(names = "--in", required = true) String in;
    @Option(names = "--out", required = true) String out;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--idle", defaultValue = "spin") Idle idle;

    private Publication publication;
    private boolean stopped;
    private long echoed;

    @Override
    public Integer call() {
        try (Ring inRing = Ring.open(in, dir); Ring outRing = Ring.open(out, dir);
             Subscription messages = inRing.subscription(); Publication echo = outRing.publication()) {
            publication = echo;
            System.out.println(Roles.READY);
            while (!stopped) {
                if (messages.poll(this, 16) == 0) {
                    idle.idle(messages);
                }
            }
            System.out.println("echoed " + echoed + " messages");
            return 0;
        }
    }

    @Override
    public void onMessage(Message message) {
        if (message.getLong(0) == Ping.STOP) {
            stopped = true; // not echoed: ping has stopped listening
            return;
        }
        // The bytes are read in place from the ping ring and copied once, into the pong ring.
        Ping.send(publication, message.segment());
        echoed++;
    }
}
