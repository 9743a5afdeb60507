/** Rings recorded into Aeron Archive and replayed; late joiners catch up from history. */
module io.xmem.archive {
    requires transitive io.xmem.ring;
    requires io.xmem.bridge;
    requires io.aeron.client;
    requires io.aeron.driver;
    requires io.aeron.archive;
    requires org.agrona;
    exports io.xmem.archive;
}
