package io.xmem.ring;

import io.xmem.pool.internal.DeviceHandleDescriptor;
import io.xmem.pool.internal.ParticipantDescriptor;
import io.xmem.pool.internal.PoolHeaderDescriptor;
import io.xmem.pool.internal.SizeClassDescriptor;
import io.xmem.pool.internal.SlotDescriptor;
import io.xmem.pool.internal.shm.FilePrefixDescriptor;
import io.xmem.ring.internal.PublicationDescriptor;
import io.xmem.ring.internal.RecordDescriptor;
import io.xmem.ring.internal.RingHeaderDescriptor;
import io.xmem.ring.internal.RingLayout;
import io.xmem.ring.internal.SubscriberDescriptor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A layout exists three times: in {@code pool/LAYOUT.md} and {@code ring/LAYOUT.md} (the contract
 * for other languages), in the descriptor constants (the only place the Java code takes offsets
 * from), and in the descriptors' Javadoc drawings. This test reads the documents' offset tables
 * and checks them against the constants: every documented field at its constant's offset, every
 * {@code _OFFSET} constant documented, and where a table covers a whole structure, its rows tiling
 * it without gap or overlap. The drawings must be on an exact grid. So the copies cannot drift.
 */
class LayoutDocumentTest {
    private static final Path POOL_LAYOUT = Path.of("..", "pool", "LAYOUT.md");
    private static final Path RING_LAYOUT = Path.of("LAYOUT.md");

    /** One offset table of a LAYOUT.md: under {@code heading}, from {@code start} to {@code end} if tiled. */
    private record Table(Path document, String heading, Class<?> descriptor, int start, int end, boolean tiled,
                         Map<String, String> fields) {
    }

    private static Map<String, String> fields(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static final Map<String, String> PREFIX = fields("magic", "MAGIC_OFFSET", "layout version",
        "VERSION_OFFSET", "header length", "HEADER_LENGTH_OFFSET", "state", "STATE_OFFSET", "flags", "FLAGS_OFFSET",
        "file length", "FILE_LENGTH_OFFSET");

    private static List<Table> tables() {
        Map<String, String> poolHeader = new LinkedHashMap<>(PREFIX);
        poolHeader.putAll(fields("pool id", "POOL_ID_OFFSET", "creator pid", "CREATOR_PID_OFFSET", "creation time",
            "CREATED_MILLIS_OFFSET", "alignment", "ALIGNMENT_OFFSET", "max participants", "MAX_PARTICIPANTS_OFFSET",
            "size class count", "SIZE_CLASS_COUNT_OFFSET", "slot count", "SLOT_COUNT_OFFSET",
            "participant table offset", "PARTICIPANT_TABLE_OFFSET_OFFSET", "size class table offset",
            "SIZE_CLASS_TABLE_OFFSET_OFFSET", "slot table offset", "SLOT_TABLE_OFFSET_OFFSET", "data offset",
            "DATA_OFFSET_OFFSET", "data length", "DATA_LENGTH_OFFSET", "device memory", "DEVICE_MEMORY_OFFSET"));
        Map<String, String> ringHeader = new LinkedHashMap<>(PREFIX);
        ringHeader.putAll(fields("capacity", "CAPACITY_OFFSET", "max subscribers", "MAX_SUBSCRIBERS_OFFSET",
            "max inline length", "MAX_INLINE_OFFSET", "ring id", "RING_ID_OFFSET", "pool id", "POOL_ID_OFFSET",
            "subscriber timeout", "SUBSCRIBER_TIMEOUT_OFFSET",
            "creator pid", "CREATOR_PID_OFFSET", "creation time", "CREATED_MILLIS_OFFSET", "pool name length",
            "POOL_NAME_LENGTH_OFFSET", "subscriber table offset", "SUBSCRIBER_TABLE_OFFSET_OFFSET", "log offset",
            "LOG_OFFSET_OFFSET", "pool name", "POOL_NAME_OFFSET"));
        return List.of(
            new Table(POOL_LAYOUT, "## Header (", PoolHeaderDescriptor.class, 0, PoolHeaderDescriptor.LENGTH, true,
                poolHeader),
            new Table(POOL_LAYOUT, "## Participant entry", ParticipantDescriptor.class, 0, ParticipantDescriptor.LENGTH,
                true, fields("state", "STATE_OFFSET", "kind", "KIND_OFFSET", "pid", "PID_OFFSET", "process start time",
                    "START_MILLIS_OFFSET", "joined", "JOINED_MILLIS_OFFSET", "label length", "LABEL_LENGTH_OFFSET",
                    "label", "LABEL_OFFSET")),
            new Table(POOL_LAYOUT, "## Size class entry", SizeClassDescriptor.class, 0, SizeClassDescriptor.LENGTH,
                true, fields("buffer size", "BUFFER_SIZE_OFFSET", "stride", "STRIDE_OFFSET", "data offset",
                    "DATA_OFFSET_OFFSET", "first slot", "FIRST_SLOT_OFFSET", "count", "COUNT_OFFSET", "device kind",
                    "DEVICE_KIND_OFFSET", "device ordinal", "DEVICE_ORDINAL_OFFSET", "device UUID",
                    "DEVICE_UUID_OFFSET", "cursor", "CURSOR_OFFSET")),
            new Table(POOL_LAYOUT, "## Slot line", SlotDescriptor.class, 0, SlotDescriptor.LENGTH, true,
                fields("state", "STATE_OFFSET", "generation", "GENERATION_OFFSET", "length", "LENGTH_OFFSET",
                    "size class", "SIZE_CLASS_OFFSET", "user type", "USER_TYPE_OFFSET", "timestamp", "TIMESTAMP_OFFSET",
                    "sequence", "SEQUENCE_OFFSET", "device kind", "DEVICE_KIND_OFFSET")),
            new Table(POOL_LAYOUT, "## Device classes", DeviceHandleDescriptor.class, 0, DeviceHandleDescriptor.LENGTH,
                true, fields("memory handle", "MEM_HANDLE_OFFSET", "event handle", "EVENT_HANDLE_OFFSET")),
            new Table(RING_LAYOUT, "## Header (", RingHeaderDescriptor.class, 0, RingHeaderDescriptor.TAIL_OFFSET,
                true, ringHeader),
            new Table(RING_LAYOUT, "## Counters", RingHeaderDescriptor.class, RingHeaderDescriptor.TAIL_OFFSET,
                RingHeaderDescriptor.LENGTH, false, fields("tail", "TAIL_OFFSET", "release position",
                    "RELEASE_POSITION_OFFSET", "published", "PUBLISHED_COUNT_OFFSET", "back-pressured",
                    "BACK_PRESSURED_COUNT_OFFSET", "publisher pid", "PUBLISHER_PID_OFFSET", "membership",
                    "MEMBERSHIP_OFFSET", "wake sequence", "WAKE_SEQUENCE_OFFSET", "sleepers", "SLEEPERS_OFFSET",
                    "asymmetric wake", "ASYMMETRIC_WAKE_OFFSET",
                    "write head", "WRITE_HEAD_OFFSET", "laps", "LAPS_OFFSET", "publish lock", "PUBLISH_LOCK_OFFSET")),
            new Table(RING_LAYOUT, "## Publication table", PublicationDescriptor.class, 0, PublicationDescriptor.LENGTH,
                true, fields("state", "STATE_OFFSET", "label length", "LABEL_LENGTH_OFFSET", "pid", "PID_OFFSET",
                    "label", "LABEL_OFFSET")),
            new Table(RING_LAYOUT, "## Subscriber entry", SubscriberDescriptor.class, 0, SubscriberDescriptor.LENGTH,
                true, fields("state", "STATE_OFFSET", "label length", "LABEL_LENGTH_OFFSET", "pid", "PID_OFFSET",
                    "label", "LABEL_OFFSET", "position", "POSITION_OFFSET", "lost", "LOST_OFFSET", "evicted lag",
                    "EVICTED_LAG_OFFSET", "evicted at", "EVICTED_MILLIS_OFFSET")),
            new Table(RING_LAYOUT, "## Record (", RecordDescriptor.class, 0, RecordDescriptor.HEADER_LENGTH, true,
                fields("commit", "COMMIT_OFFSET", "length", "LENGTH_OFFSET", "type", "TYPE_OFFSET", "sequence",
                    "SEQUENCE_OFFSET")),
            new Table(RING_LAYOUT, "**Buffer reference body**", RecordDescriptor.class, RecordDescriptor.HEADER_LENGTH,
                RecordDescriptor.REF_RECORD_LENGTH, true, fields("token", "REF_TOKEN_OFFSET", "offset",
                    "REF_OFFSET_OFFSET", "length", "REF_LENGTH_OFFSET", "timestamp", "REF_TIMESTAMP_OFFSET", "tag",
                    "REF_TAG_OFFSET")));
    }

    /** One row of an offset table: offset, size ({@code -1} for "…"), field name. */
    private record Row(int offset, int size, String field) {
    }

    @Test
    void everyDocumentedOffsetIsTheDescriptorsAndEveryConstantIsDocumented() throws Exception {
        Map<Class<?>, Set<String>> documented = new LinkedHashMap<>();
        for (Table table : tables()) {
            List<Row> rows = rows(table);
            checkTiling(table, rows);
            for (Row row : rows) {
                if (row.field().equals("reserved") || row.field().equals("body")) {
                    continue;
                }
                String constant = table.fields().get(row.field());
                if (constant == null) {
                    fail(where(table) + ": field '" + row.field() + "' has no descriptor constant in this test's map");
                }
                assertEquals(intConstant(table.descriptor(), constant), row.offset(),
                    where(table) + ": '" + row.field() + "' (" + table.descriptor().getSimpleName() + "." + constant
                        + ")");
                documented.computeIfAbsent(table.descriptor(), c -> new HashSet<>()).add(constant);
            }
            assertEquals(new TreeSet<>(table.fields().keySet()), new TreeSet<>(fieldNames(rows)),
                where(table) + ": the fields the document lists");
        }
        for (Map.Entry<Class<?>, Set<String>> e : documented.entrySet()) {
            for (String constant : offsetConstants(e.getKey())) {
                assertTrue(e.getValue().contains(constant),
                    e.getKey().getSimpleName() + "." + constant + " is in no LAYOUT.md table");
            }
        }
    }

    @Test
    void theTablesFollowEachOtherWhereTheDocumentSays() {
        assertEquals(RingHeaderDescriptor.LENGTH, RingLayout.PUBLICATION_TABLE_OFFSET);
        assertEquals(5568, RingLayout.SUBSCRIBER_TABLE_OFFSET, "ring/LAYOUT.md places the subscriber table at 5568");
        assertEquals(65, PublicationDescriptor.ENTRIES);
    }

    @Test
    void bothFormatsBeginWithTheSharedPrefix() throws Exception {
        for (Class<?> header : List.of(PoolHeaderDescriptor.class, RingHeaderDescriptor.class)) {
            for (String constant : PREFIX.values()) {
                assertEquals(intConstant(FilePrefixDescriptor.class, constant), intConstant(header, constant),
                    header.getSimpleName() + "." + constant);
            }
        }
        assertEquals(FilePrefixDescriptor.LENGTH, FilePrefixDescriptor.FILE_LENGTH_OFFSET + Long.BYTES);
    }

    @Test
    void descriptorDrawingsAreOnAnExactGrid() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../pool/src/main/java"))) {
            try (var walk = Files.walk(root)) {
                walk.filter(p -> p.getFileName().toString().endsWith("Descriptor.java")).forEach(sources::add);
            }
        }
        assertFalse(sources.isEmpty(), "no descriptor sources found from " + Path.of("").toAbsolutePath());
        for (Path source : sources) {
            String text = Files.readString(source);
            int from = text.indexOf("<pre>");
            int to = text.indexOf("</pre>");
            assertTrue(from >= 0 && to > from, source + " draws its layout in a <pre> block");
            Set<Integer> rightEdges = new TreeSet<>();
            for (String line : text.substring(from, to).split("\n")) {
                if (line.contains("|") || line.contains("+-")) {
                    rightEdges.add(Math.max(line.lastIndexOf('|'), line.lastIndexOf('+')));
                }
            }
            assertEquals(1, rightEdges.size(), source + ": every row of the drawing ends in the same column, "
                + "but they end at " + rightEdges);
        }
    }

    private static List<Row> rows(Table table) throws IOException {
        List<String> lines = Files.readAllLines(table.document());
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith(table.heading())) {
            at++;
        }
        assertTrue(at < lines.size(), table.document() + " has no section '" + table.heading() + "'");
        while (at < lines.size() && !lines.get(at).startsWith("| ")) {
            at++; // the table's header row
        }
        List<Row> rows = new ArrayList<>();
        for (at += 2; at < lines.size() && lines.get(at).startsWith("|"); at++) {
            String[] cells = lines.get(at).split("\\|");
            String size = cells[2].trim();
            rows.add(new Row(Integer.parseInt(cells[1].trim()), size.equals("…") ? -1 : Integer.parseInt(size),
                cells[3].trim()));
        }
        assertFalse(rows.isEmpty(), where(table) + ": no rows");
        return rows;
    }

    private static void checkTiling(Table table, List<Row> rows) {
        int expected = table.start();
        for (Row row : rows) {
            if (table.tiled()) {
                assertEquals(expected, row.offset(), where(table) + ": row '" + row.field()
                    + "' after a gap or overlap");
            } else {
                assertTrue(row.offset() >= expected, where(table) + ": row '" + row.field()
                    + "' overlaps the one before");
            }
            expected = row.size() < 0 ? table.end() : row.offset() + row.size();
        }
        assertTrue(table.tiled() ? expected == table.end() : expected <= table.end(),
            where(table) + ": the rows end at " + expected + ", the structure at " + table.end());
    }

    private static List<String> fieldNames(List<Row> rows) {
        List<String> names = new ArrayList<>();
        for (Row row : rows) {
            if (!row.field().equals("reserved") && !row.field().equals("body")) {
                names.add(row.field());
            }
        }
        return names;
    }

    private static List<String> offsetConstants(Class<?> descriptor) {
        List<String> names = new ArrayList<>();
        for (Field f : descriptor.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_OFFSET")) {
                names.add(f.getName());
            }
        }
        return names;
    }

    private static int intConstant(Class<?> descriptor, String name) throws ReflectiveOperationException {
        return descriptor.getField(name).getInt(null);
    }

    private static String where(Table table) {
        return table.document() + " '" + table.heading() + "'";
    }
}
