package org.vrrp4j.netty;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;

/** Puts one of our FFM sockets on a Netty epoll loop; the socket owns and closes the fd. */
final class VrrpIoHandle implements EpollIoHandle {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VrrpIoHandle.class);
    private final FileDescriptor fd;
    private final Runnable onReadable;

    VrrpIoHandle(int fd, Runnable onReadable) {
        this.fd = new FileDescriptor(fd);
        this.onReadable = onReadable;
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        try {
            onReadable.run();
        } catch (RuntimeException e) {
            // logged here with its stack, never left to the loop (which would log it without context and pause)
            LOG.error("handling a readable socket (fd {}) failed: {}", fd.intValue(), e.toString(), e);
        }
    }

    @Override
    public void close() {
        // the registration is cancelled first and the socket closes its own fd
    }
}
