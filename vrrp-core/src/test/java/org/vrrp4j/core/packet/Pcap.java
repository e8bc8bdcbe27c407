package org.vrrp4j.core.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A minimal, defensive pcap reader: a record that claims more bytes than remain ends the file. */
record Pcap(int linkType, List<byte[]> frames) {
    static final int ETHERNET = 1;
    static final int FRAME_RELAY = 107;

    static Pcap read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.getInt(0);
        b.order(magic == 0xd4c3b2a1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int linkType = b.getInt(20);
        List<byte[]> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.limit()) {
            int incl = b.getInt(at + 8);
            at += 16;
            if (incl < 0 || incl > b.limit() - at) {
                break;
            }
            frames.add(Arrays.copyOfRange(b.array(), at, at + incl));
            at += incl;
        }
        return new Pcap(linkType, frames);
    }
}
