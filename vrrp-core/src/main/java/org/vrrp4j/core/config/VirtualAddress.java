package org.vrrp4j.core.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import org.vrrp4j.core.packet.IpFamily;

/**
 * A virtual address a master holds, with the attributes keepalived's {@code virtual_ipaddress}
 * allows: prefix length, device (when not the router's interface), label (IPv4) and scope.
 *
 * @param address      the address
 * @param prefixLength 0..32 (IPv4) or 0..128 (IPv6); keepalived's default is 32 / 128
 * @param device       the interface to add it to; empty means the router's interface
 * @param label        IPv4 label (e.g. {@code eth0:vip}); empty for none
 * @param scope        address scope; link for IPv6 link-local addresses, else global unless given
 */
public record VirtualAddress(
        InetAddress address, int prefixLength, Optional<String> device, Optional<String> label, AddressScope scope) {

    public VirtualAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(scope, "scope");
        int max = IpFamily.of(address) == IpFamily.IPV4 ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new ConfigException(VirtualRouterConfig.Field.VIRTUAL_ADDRESSES, "virtual address " + address.getHostAddress(),
                    "prefix length must be 0.." + max + ", got " + prefixLength);
        }
        if (label.isPresent() && IpFamily.of(address) == IpFamily.IPV6) {
            throw new ConfigException(VirtualRouterConfig.Field.VIRTUAL_ADDRESSES, "virtual address " + address.getHostAddress(),
                    "labels exist for IPv4 only");
        }
    }

    /** A host address (/32 or /128) on the router's interface with the default scope. */
    public static VirtualAddress of(InetAddress address) {
        int len = IpFamily.of(address) == IpFamily.IPV4 ? 32 : 128;
        AddressScope scope = address instanceof Inet6Address a && a.isLinkLocalAddress()
                ? AddressScope.LINK : AddressScope.GLOBAL;
        return new VirtualAddress(address, len, Optional.empty(), Optional.empty(), scope);
    }

    /** The family of the address. */
    public IpFamily family() {
        return IpFamily.of(address);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(address.getHostAddress()).append('/').append(prefixLength);
        device.ifPresent(d -> sb.append(" dev ").append(d));
        label.ifPresent(l -> sb.append(" label ").append(l));
        if (scope != AddressScope.GLOBAL) {
            sb.append(" scope ").append(scope.name().toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
