package io.xmem.pool.internal.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Who a process is, in a word, for the tables of pools and rings ({@code xmem stat} shows it):
 * {@code -Dxmem.label=NAME} if set, else the JVM's main class or jar. Stored as a length (u32)
 * and up to {@value #MAX_BYTES} bytes of UTF-8, cut at a character boundary; read back checked,
 * since any process may have written the bytes.
 */
public final class Labels {
    /** The most bytes a label takes in any table. */
    public static final int MAX_BYTES = 40;
    /** The label of this JVM, worked out once. */
    private static final byte[] SELF = encode(ownLabel());

    private Labels() {
    }

    private static String ownLabel() {
        String label = System.getProperty("xmem.label");
        if (label != null && !label.isBlank()) {
            return label.strip();
        }
        String command = System.getProperty("sun.java.command", "").strip();
        String first = command.isEmpty() ? "" : command.split("\\s+")[0];
        if (first.endsWith(".jar")) {
            return Path.of(first).getFileName().toString();
        }
        if (first.length() > MAX_BYTES && first.contains(".")) {
            return first.substring(first.lastIndexOf('.') + 1); // a long class name: its simple name
        }
        return first.isEmpty() ? "java" : first;
    }

    /** The UTF-8 bytes of {@code label}, at most {@value #MAX_BYTES}, never half a character. */
    static byte[] encode(String label) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(MAX_BYTES);
        encoder.encode(CharBuffer.wrap(label), out, true); // stops before a character that does not fit
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    /** This JVM's label. */
    public static String self() {
        return new String(SELF, StandardCharsets.UTF_8);
    }

    /** Writes this JVM's label: the bytes (zero-padded to the maximum), then their length. */
    public static void writeSelf(MemorySegment file, long lengthOffset, long labelOffset) {
        MemorySegment field = file.asSlice(labelOffset, MAX_BYTES);
        field.fill((byte) 0);
        MemorySegment.copy(SELF, 0, field, ValueLayout.JAVA_BYTE, 0, SELF.length);
        file.set(ValueLayout.JAVA_INT, lengthOffset, SELF.length);
    }

    /** Clears a label (an entry given back). */
    public static void clear(MemorySegment file, long lengthOffset, long labelOffset) {
        file.set(ValueLayout.JAVA_INT, lengthOffset, 0);
        file.asSlice(labelOffset, MAX_BYTES).fill((byte) 0);
    }

    /** Reads a label another process wrote: empty if none, {@code "?"} if its length or bytes are damaged. */
    public static String read(MemorySegment file, long lengthOffset, long labelOffset) {
        int length = file.get(ValueLayout.JAVA_INT, lengthOffset);
        if (length == 0) {
            return "";
        }
        if (length < 0 || length > MAX_BYTES) {
            return "?";
        }
        byte[] bytes = file.asSlice(labelOffset, length).toArray(ValueLayout.JAVA_BYTE);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return "?";
        }
    }
}
