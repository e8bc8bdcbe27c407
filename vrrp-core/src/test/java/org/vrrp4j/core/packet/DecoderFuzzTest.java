package org.vrrp4j.core.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the decoder (Jazzer). Without {@code JAZZER_FUZZ=1} this replays the
 * committed seed corpus only ({@code src/test/resources/org/vrrp4j/core/packet/DecoderFuzzTestInputs/
 * decoderNeverThrows/}, see {@link DecoderFuzzSeedsTest}); the build sets {@code JAZZER_FUZZ=1} for a
 * bounded run (see vrrp-core/pom.xml). A finding is any exception: the decoder must turn every input into
 * a packet or a reason.
 *
 * <p>Input layout (so that seeds are plain files a person can read with a hex dump): byte 0 = flags
 * (bit 0: IPv6, bit 1: TTL unknown), byte 1 = TTL/hop limit, then the IP source and destination (4 or 16
 * bytes each), then the VRRP message; the IPv4 datagram decoder reads the same bytes as a datagram.
 */
class DecoderFuzzTest {
    private final PacketView view = new PacketView();
    private final PacketView lenient = new PacketView().allowTrailingBytes(true);
    private final PacketView strict = new PacketView().requireLinkLocalFirst(true);
    private final Ipv4Datagram ip = new Ipv4Datagram();

    /** One fuzz input taken apart: the IP context and the message. */
    record Input(IpFamily family, int ttl, byte[] source, byte[] destination, byte[] message) {
        static final int FLAG_IPV6 = 1;
        static final int FLAG_TTL_UNKNOWN = 2;

        /** The input, or null when it is too short to hold the header (nothing to decode). */
        static Input parse(byte[] data) {
            if (data.length < 2) {
                return null;
            }
            IpFamily family = (data[0] & FLAG_IPV6) != 0 ? IpFamily.IPV6 : IpFamily.IPV4;
            int ttl = (data[0] & FLAG_TTL_UNKNOWN) != 0 ? -1 : data[1] & 0xff;
            int n = family.addressLength();
            if (data.length < 2 + 2 * n) {
                return null;
            }
            return new Input(family, ttl, Arrays.copyOfRange(data, 2, 2 + n), Arrays.copyOfRange(data, 2 + n, 2 + 2 * n),
                    Arrays.copyOfRange(data, 2 + 2 * n, data.length));
        }

        /** The inverse of {@link #parse}. */
        byte[] toBytes() {
            ByteBuffer b = ByteBuffer.allocate(2 + source.length + destination.length + message.length);
            b.put((byte) ((family == IpFamily.IPV6 ? FLAG_IPV6 : 0) | (ttl < 0 ? FLAG_TTL_UNKNOWN : 0)));
            b.put((byte) Math.max(ttl, 0)).put(source).put(destination).put(message);
            return b.array();
        }
    }

    @FuzzTest(maxDuration = "45s")
    void decoderNeverThrows(byte[] data) {
        Input in = Input.parse(data);
        if (in == null) {
            return;
        }
        byte[] bytes = in.message();
        // a read-only buffer that ends where the bytes end: a read past them throws and is a finding
        ByteBuffer b = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        if (view.decode(b, 0, bytes.length, in.family(), in.source(), in.destination(), in.ttl()) == null) {
            VrrpPacket p = view.toPacket();
            if (p.wireLength() != view.messageLength()) {
                throw new AssertionError("length disagrees: " + p);
            }
        }
        if (lenient.decode(b, 0, bytes.length, in.family(), in.source(), in.destination(), in.ttl()) == null) {
            lenient.toPacket();
        }
        if (strict.decode(b, 0, bytes.length, in.family(), in.source(), in.destination(), in.ttl()) == null) {
            strict.toPacket();
        }
        if (ip.decode(b, 0, bytes.length, view) == null) {
            view.toPacket();
        }
    }
}
