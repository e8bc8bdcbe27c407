package org.vrrp4j.keepalived;

/**
 * A name listed in a block ({@code track_interface}, {@code track_script}, a sync group's {@code group}),
 * kept with its line until the whole file is read and the name can be checked.
 *
 * @param weight the {@code weight} given on the line, or null
 */
record Tracked(String name, Integer weight, SourceLocation where) {
}
