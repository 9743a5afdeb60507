package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.PoolSnapshot;
import io.xmem.ring.RingSnapshot;
import io.xmem.ring.RingStats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code xmem stat --json}: one look as one JSON object on one line (with {@code --watch}, one line
 * per look: JSON Lines), for scripts and monitoring. The fields are the text's, named as in the Java
 * API ({@code RingStats}, {@code PoolSnapshot}, {@code BridgeStats}); a pid is the one in the file,
 * {@code pidHere} the one this process sees when they differ (another PID namespace) or null; rates
 * are null on the first look; {@code label} is the process's {@code -Dxmem.label}, main class or jar.
 *
 * <pre>{@code
 * xmem stat video --json | jq '.ring.subscribers[] | {pid, lag, label}'
 * }</pre>
 */
final class StatJson {
    private StatJson() {
    }

    static Map<String, Object> of(StatLook look) {
        Map<String, Object> json = Json.object();
        json.put("name", look.name);
        json.put("directory", look.dir.toString());
        json.put("time", Instant.now().toString());
        json.put("ring", look.ring == null ? null : ring(look));
        json.put("bridges", look.bridges.stream().map(StatJson::bridge).toList());
        json.put("pool", look.pool == null ? null : pool(look.pool, look));
        return json;
    }

    private static Map<String, Object> ring(StatLook look) {
        RingSnapshot snapshot = look.ring;
        RingStats stats = snapshot.stats();
        Map<String, Object> ring = Json.object();
        ring.put("path", snapshot.path().toString());
        ring.put("capacity", stats.capacity());
        ring.put("lossy", stats.lossy());
        ring.put("wakeups", snapshot.wakeups());
        ring.put("pool", snapshot.poolName());
        ring.put("poolProblem", look.poolProblem.isEmpty() ? null : look.poolProblem);
        ring.put("tail", stats.tail());
        ring.put("published", stats.published());
        ring.put("backPressured", stats.backPressured());
        ring.put("laps", stats.laps());
        ring.put("releasePosition", snapshot.releasePosition());
        ring.put("lastPublisherPid", snapshot.publisherPid());
        ring.put("rate", rate(look));
        List<Object> publishers = new ArrayList<>();
        for (RingStats.PublisherStats p : stats.publishers()) {
            Map<String, Object> row = Json.object();
            row.put("id", p.id());
            row.put("kind", p.concurrent() ? "concurrent" : "exclusive");
            row.put("pid", p.pid());
            row.put("pidHere", here(p.pid(), look.pidHere(p)));
            row.put("alive", p.alive());
            row.put("writing", p.holdsTurn());
            row.put("label", p.label());
            publishers.add(row);
        }
        ring.put("publishers", publishers);
        List<Object> subscribers = new ArrayList<>();
        for (RingStats.SubscriberStats s : stats.subscribers()) {
            Map<String, Object> row = Json.object();
            row.put("index", s.index());
            row.put("pid", s.pid());
            row.put("pidHere", here(s.pid(), look.pidHere(s)));
            row.put("alive", s.alive());
            row.put("evicted", s.evicted());
            row.put("position", s.position());
            row.put("lag", s.lag());
            row.put("lost", s.lost());
            row.put("bytesPerSecond", look.subscriberRate(s));
            row.put("label", s.label());
            subscribers.add(row);
        }
        ring.put("subscribers", subscribers);
        return ring;
    }

    /** Rates since the previous look; null on the first. */
    private static Map<String, Object> rate(StatLook look) {
        if (look.before == null || look.before.ring() == null) {
            return null;
        }
        RingStats now = look.ring.stats();
        RingStats then = look.before.ring();
        double seconds = look.seconds();
        Map<String, Object> rate = Json.object();
        rate.put("seconds", seconds);
        rate.put("recordsPerSecond", (now.published() - then.published()) / seconds);
        rate.put("logBytesPerSecond", (now.tail() - then.tail()) / seconds);
        rate.put("referencedBytesPerSecond", look.ring.hasPool() ? look.referencedPerSecond() : 0.0);
        rate.put("referencedEstimated", look.referencedEstimated());
        return rate;
    }

    private static Map<String, Object> bridge(StatLook.Bridge b) {
        Map<String, Object> json = Json.object();
        json.put("file", b.file().toString());
        if (b.stats() == null) {
            json.put("error", b.error());
            return json;
        }
        BridgeStats s = b.stats();
        json.put("role", s.role());
        json.put("pid", s.pid());
        json.put("alive", s.alive());
        json.put("running", s.running());
        json.put("started", Instant.ofEpochMilli(s.startMillis()).toString());
        json.put("channel", s.channel());
        json.put("streamId", s.streamId());
        json.put("messages", s.messages());
        json.put("bytes", s.bytes());
        json.put("chunks", s.fragments());
        json.put("backPressured", s.backPressured());
        json.put("drops", s.drops());
        json.put("lost", s.lost());
        json.put("lastSequence", s.lastSequence());
        json.put("malformed", s.malformed());
        return json;
    }

    private static Map<String, Object> pool(PoolSnapshot pool, StatLook look) {
        Map<String, Object> json = Json.object();
        json.put("path", pool.path().toString());
        json.put("poolId", pool.poolId());
        json.put("creatorPid", pool.creatorPid());
        json.put("created", pool.createdMillis() == 0 ? null : Instant.ofEpochMilli(pool.createdMillis()).toString());
        json.put("maxParticipants", pool.maxParticipants());
        List<Object> classes = new ArrayList<>();
        for (PoolSnapshot.SizeClass c : pool.sizeClasses()) {
            Map<String, Object> row = Json.object();
            row.put("bufferSize", c.bufferSize());
            row.put("device", c.device());
            row.put("total", c.total());
            row.put("free", c.free());
            row.put("held", c.held());
            row.put("pinned", c.pinned());
            row.put("reclaimable", c.reclaimable());
            classes.add(row);
        }
        json.put("sizeClasses", classes);
        json.put("totalBuffers", pool.totalBuffers());
        json.put("free", pool.totalFree());
        json.put("reclaimable", pool.reclaimable());
        json.put("corruptSlots", pool.corruptSlots());
        List<Object> participants = new ArrayList<>();
        for (PoolSnapshot.Participant p : pool.participants()) {
            Map<String, Object> row = Json.object();
            row.put("index", p.index());
            row.put("pid", p.pid());
            row.put("pidHere", here(p.pid(), look.pidHere(p)));
            row.put("alive", p.alive());
            row.put("active", p.active());
            row.put("self", p.self());
            row.put("buffersHeld", p.buffersHeld());
            row.put("started", p.startMillis() == 0 ? null : Instant.ofEpochMilli(p.startMillis()).toString());
            row.put("roles", look.roles(p));
            row.put("label", p.label());
            participants.add(row);
        }
        json.put("participants", participants);
        return json;
    }

    /** The pid seen here when it differs from the file's; null when they agree or it is not known. */
    private static Long here(long recorded, OptionalLong here) {
        return here.isPresent() && here.getAsLong() != recorded ? here.getAsLong() : null;
    }
}
