package org.vrrp4j.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.vrrp4j.core.fsm.Input;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.Ipv4Datagram;
import org.vrrp4j.core.packet.PacketView;

/**
 * What a raw socket delivered, decoded: IPv4 datagrams with their header (read by the core's {@link
 * Ipv4Datagram}), IPv6 messages alone with addresses and hop limit from control messages. The result is
 * either an advert for the router of {@link #vrid()} or a drop reason, with the VRID to charge it to when
 * the bytes still say one. Pure: no I/O; one per socket, reused (not thread-safe).
 */
final class ReceiveDecoder {
    private final IpFamily family;
    private final Ipv4Datagram ip = new Ipv4Datagram();
    private final PacketView view = new PacketView();
    private final byte[] source4 = new byte[4];
    private int vrid;
    private InetAddress source;
    private InetAddress destination;

    ReceiveDecoder(IpFamily family) {
        this.family = family;
    }

    /**
     * Decodes {@code buf[0, length)}.
     *
     * @param source6      IPv6 only: the source address (the socket address)
     * @param destination6 IPv6 only: the destination (IPV6_PKTINFO; :: when absent)
     * @param hopLimit     IPv6 only: the hop limit (IPV6_HOPLIMIT; -1 when absent)
     * @return null when it is a valid advert ({@link #advert()}), else why it is dropped
     */
    DropReason decode(ByteBuffer buf, int length, byte[] source6, byte[] destination6, int hopLimit) {
        DropReason reason;
        if (family == IpFamily.IPV6) {
            // no IP header. The kernel verified the checksum already (IPV6_CHECKSUM); the codec verifies it
            // again, which a packet the kernel passed always survives: a failure would mean wrong addresses
            reason = view.decode(buf, 0, length, IpFamily.IPV6, source6, destination6, hopLimit);
            vrid = reason == null ? view.vrid() : length > 1 ? buf.get(1) & 0xff : -1;
            source = address(source6);
            destination = address(destination6);
            return reason;
        }
        reason = ip.decode(buf, 0, length, view);
        if (reason == null) {
            vrid = view.vrid();
            source = address(ip.source());
            destination = address(ip.destination());
            return null;
        }
        // rejected: charge the router the bytes name, if the header is sound enough to find the VRID
        int headerLength = length >= 20 ? (buf.get(0) & 0x0f) * 4 : 0;
        vrid = headerLength >= 20 && headerLength + 1 < length ? buf.get(headerLength + 1) & 0xff : -1;
        if (length >= 20) {
            buf.get(12, source4);
            source = address(source4);
        } else {
            source = null; // not even a header: nobody to name
        }
        destination = null;
        return reason;
    }

    /** The VRID the last datagram names (decoded, or read raw from a rejected one), or -1. */
    int vrid() {
        return vrid;
    }

    /** The last datagram's source, or null when it was too short to say. */
    InetAddress source() {
        return source;
    }

    /** The last valid advert, as the core's input (read before the next receive reuses the buffer). */
    Input.AdvertReceived advert() {
        return new Input.AdvertReceived(view.toPacket(), source, destination, view.checksumForm());
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
