package org.vrrp4j.core.packet;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the decoder (Jazzer). Without {@code JAZZER_FUZZ=1} this replays the
 * corpus only; the build sets {@code JAZZER_FUZZ=1} for a bounded run (see vrrp-core/pom.xml). A finding
 * is any exception: the decoder must turn every input into a packet or a reason.
 */
class DecoderFuzzTest {
    private final PacketView view = new PacketView();
    private final PacketView lenient = new PacketView().allowTrailingBytes(true);
    private final Ipv4Datagram ip = new Ipv4Datagram();

    @FuzzTest(maxDuration = "45s")
    void decoderNeverThrows(FuzzedDataProvider data) {
        boolean v6 = data.consumeBoolean();
        int ttl = data.consumeInt(-1, 255);
        byte[] src = data.consumeBytes(v6 ? 16 : 4);
        byte[] dst = data.consumeBytes(v6 ? 16 : 4);
        if (src.length != (v6 ? 16 : 4) || dst.length != src.length) {
            return;
        }
        byte[] bytes = data.consumeRemainingAsBytes();
        // a read-only buffer that ends where the bytes end: a read past them throws and is a finding
        ByteBuffer b = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        IpFamily family = v6 ? IpFamily.IPV6 : IpFamily.IPV4;
        if (view.decode(b, 0, bytes.length, family, src, dst, ttl) == null) {
            VrrpPacket p = view.toPacket();
            if (p.wireLength() != view.messageLength()) {
                throw new AssertionError("length disagrees: " + p);
            }
        }
        if (lenient.decode(b, 0, bytes.length, family, src, dst, ttl) == null) {
            lenient.toPacket();
        }
        if (ip.decode(b, 0, bytes.length, view) == null) {
            view.toPacket();
        }
    }
}
