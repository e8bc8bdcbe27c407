/**
 * The keepalived.conf reader: {@link org.vrrp4j.keepalived.KeepalivedConfigReader} reads a file with
 * its includes the way keepalived 2.2.7 does and returns typed values (instances, sync groups, scripts,
 * failover provider blocks) that compare with {@code equals}, their source locations in a side table
 * beside them, and {@code file:line} for every error and warning. See the package documentation.
 */
module org.vrrp4j.keepalived {
    requires transitive org.vrrp4j.core;

    exports org.vrrp4j.keepalived;
}
