package io.xmem.ring;

/** Receives the records a {@link Subscription#poll} delivers, one call per record, in order. */
@FunctionalInterface
public interface MessageHandler {
    /**
     * One record. {@code message} is a flyweight valid only during this call: keep what you
     * need by copying it, or for a buffer reference by {@link Message#retain()}.
     */
    void onMessage(Message message);
}
