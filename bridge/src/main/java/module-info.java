/** Ring to Aeron (UDP unicast or multicast) and back: fan-out of xmem rings beyond one machine. */
module io.xmem.bridge {
    requires transitive io.xmem.ring;
    requires io.aeron.client;
    requires io.aeron.driver;
    requires org.agrona;
    exports io.xmem.bridge;
    // The archive records in the bridge's wire format, through the same sender and embedded driver.
    exports io.xmem.bridge.internal to io.xmem.archive;
}
