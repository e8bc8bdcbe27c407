package org.vrrp4j.core.config;

/** The rtnetlink scope of a virtual address, as keepalived's {@code scope} keyword allows. */
public enum AddressScope {
    GLOBAL(0),
    SITE(200),
    LINK(253),
    HOST(254),
    NOWHERE(255);

    private final int rtScope;

    AddressScope(int rtScope) {
        this.rtScope = rtScope;
    }

    /** The kernel's RT_SCOPE_* value. */
    public int rtScope() {
        return rtScope;
    }
}
