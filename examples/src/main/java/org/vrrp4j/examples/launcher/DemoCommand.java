package org.vrrp4j.examples.launcher;

import org.vrrp4j.examples.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vrrp4j demo}: the seed's scenario on this machine, in under a minute. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "The seed's scenario on this machine: as root, two vrrp4j nodes and a netcup stand-in in network",
        "namespaces, s1 killed, a timeline of the take-over; without root, the same on the simulator."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = {"-v", "--verbose"}, description = "show the nodes' own output")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Logging.configure(Logging.Level.WARN);
        return Demo.run(System.out, verbose);
    }
}
