/** Ring to Aeron (UDP unicast or multicast) and back: fan-out of xmem rings beyond one machine. */
module io.xmem.bridge {
    requires transitive io.xmem.ring;
    requires io.aeron.client;
    requires io.aeron.driver;
    requires org.agrona;
    exports io.xmem.bridge;
}
