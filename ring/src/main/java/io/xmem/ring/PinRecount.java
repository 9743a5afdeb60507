package io.xmem.ring;

import java.util.List;

/**
 * What {@link Ring#recountPins} found and did.
 *
 * @param done         false when the recount did not run ({@link #notDoneBecause()} says why)
 * @param rings        the rings of the pool whose records were counted
 * @param pinsDropped  pins no record owned any more (a death inside a release or a publish), dropped
 * @param buffersFreed buffers that this made free
 * @param problems     damage found and left alone (a ring that cannot be read, a count below its records)
 * @param notDoneBecause why the recount did not run, or null
 */
public record PinRecount(boolean done, List<String> rings, int pinsDropped, int buffersFreed, List<String> problems,
                         String notDoneBecause) {
    static PinRecount notDone(String why) {
        return new PinRecount(false, List.of(), 0, 0, List.of(), why);
    }
}
