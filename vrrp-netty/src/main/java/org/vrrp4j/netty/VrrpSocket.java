package org.vrrp4j.netty;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vrrp4j.netty.linux.RawVrrpSocket;

/**
 * The seam of one raw VRRP socket (an interface and family), as the node's parts use it: the real one is
 * {@link RawVrrpSocket}; tests give one that records what is sent and replays byte arrays on receive.
 */
interface VrrpSocket extends AutoCloseable {

    /** The descriptor to watch for readability. */
    int fd();

    /** Reads one datagram without blocking into {@code out}; false when nothing is waiting. */
    boolean receive(RawVrrpSocket.Received out) throws IOException;

    /** The buffer an advert is encoded into (position 0) before {@link #send}. */
    ByteBuffer sendBuffer();

    /** Sends {@code length} bytes of the send buffer from {@code src} to {@code dst}: 0, or errno. */
    int send(int length, byte[] src, byte[] dst);

    /** The whole send path without sending (the warm-up). */
    void warmUp(int length, byte[] src, byte[] dst);

    /** Adds {@code length} bytes of the send buffer to the batch; false when it is full. */
    boolean queue(int length, byte[] src, byte[] dst);

    /** How many adverts the batch holds. */
    int queued();

    /** Sends the batch, each advert's errno (0: sent) into {@code errnos} in queue order; how many it held. */
    int flush(int[] errnos);

    @Override
    void close();

    /** The real socket. */
    static VrrpSocket of(RawVrrpSocket s) {
        return new VrrpSocket() {
            @Override
            public int fd() {
                return s.fd();
            }

            @Override
            public boolean receive(RawVrrpSocket.Received out) throws IOException {
                return s.receive(out);
            }

            @Override
            public ByteBuffer sendBuffer() {
                return s.sendBuffer();
            }

            @Override
            public int send(int length, byte[] src, byte[] dst) {
                return s.send(length, src, dst);
            }

            @Override
            public void warmUp(int length, byte[] src, byte[] dst) {
                s.warmUp(length, src, dst);
            }

            @Override
            public boolean queue(int length, byte[] src, byte[] dst) {
                return s.queue(length, src, dst);
            }

            @Override
            public int queued() {
                return s.queued();
            }

            @Override
            public int flush(int[] errnos) {
                return s.flush(errnos);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}
