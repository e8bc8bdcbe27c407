package org.vrrp4j.benchmarks;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.Ipv4Datagram;
import org.vrrp4j.core.packet.PacketView;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpCodec;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * The receive and send paths of the codec for a one-address advert: decode + validate + checksum into a
 * reused {@link PacketView} (what the host shell does per packet), and encode into a reused buffer.
 * Run with {@code -prof gc} to see bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
    private final PacketView view = new PacketView();
    private final Ipv4Datagram datagram = new Ipv4Datagram();
    private final ByteBuffer out = ByteBuffer.allocateDirect(VrrpCodec.MAX_MESSAGE);
    private ByteBuffer v3;
    private ByteBuffer v2;
    private ByteBuffer ipv4Datagram;
    private VrrpPacket v3Packet;
    private byte[] src;
    private byte[] dst;

    @Setup
    public void setup() {
        src = InetAddress.ofLiteral("198.18.0.1").getAddress();
        dst = VrrpCodec.IPV4_GROUP.getAddress();
        v3Packet = new VrrpPacket(VrrpVersion.V3, IpFamily.IPV4, 7, 100, 100,
                List.of(InetAddress.ofLiteral("198.18.1.100")), AuthType.NONE, null);
        VrrpPacket v2Packet = new VrrpPacket(VrrpVersion.V2, IpFamily.IPV4, 101, 254, 2,
                List.of(InetAddress.ofLiteral("198.18.0.100")), AuthType.SIMPLE_TEXT, VrrpAuthKey.ofPassword("secret"));
        v3 = direct(VrrpCodec.encode(v3Packet, InetAddress.ofLiteral("198.18.0.1"), VrrpCodec.IPV4_GROUP,
                ChecksumForm.IPV4_PSEUDO_HEADER));
        v2 = direct(VrrpCodec.encode(v2Packet, InetAddress.ofLiteral("198.18.0.1"), VrrpCodec.IPV4_GROUP,
                ChecksumForm.MESSAGE_ONLY));
        byte[] msg = new byte[v3.capacity()];
        v3.get(0, msg);
        byte[] ip = new byte[20 + msg.length];
        ip[0] = 0x45;
        ip[2] = 0;
        ip[3] = (byte) ip.length;
        ip[8] = (byte) 255;
        ip[9] = 112;
        System.arraycopy(src, 0, ip, 12, 4);
        System.arraycopy(dst, 0, ip, 16, 4);
        System.arraycopy(msg, 0, ip, 20, msg.length);
        ipv4Datagram = direct(ip);
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
    }

    /** VRRPv3/IPv4, one address, pseudo-header checksum: the common keepalived-compatible case. */
    @Benchmark
    public DropReason decodeV3() {
        return view.decode(v3, 0, v3.capacity(), IpFamily.IPV4, src, dst, 255);
    }

    /** VRRPv2 with simple-text auth (the seed's configuration). */
    @Benchmark
    public DropReason decodeV2Pass() {
        return view.decode(v2, 0, v2.capacity(), IpFamily.IPV4, src, dst, 255);
    }

    /** What an IPv4 raw socket delivers: IP header checks, then the message. */
    @Benchmark
    public DropReason decodeIpv4Datagram() {
        return datagram.decode(ipv4Datagram, 0, ipv4Datagram.capacity(), view);
    }

    /** Encode with checksum into a reused buffer. */
    @Benchmark
    public int encodeV3() {
        return VrrpCodec.encode(v3Packet, src, dst, ChecksumForm.IPV4_PSEUDO_HEADER, out, 0);
    }
}
