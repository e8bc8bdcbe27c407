package org.vrrp4j.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.FailoverProviderFactory;
import org.vrrp4j.failover.spi.ProviderConfig;

/**
 * A provider (type {@code test-slow-create}, tests only) whose construction is slow on purpose, as a real
 * provider's first TLS and WSDL set-up can be: it creates the file {@code entered_file}, then waits until the
 * file {@code proceed_file} exists (at most 90 s). Lets a test hold a reload in its prepare step.
 */
public final class SlowCreateProviderFactory implements FailoverProviderFactory {
    @Override
    public String name() {
        return "test-slow-create";
    }

    @Override
    public FailoverProvider create(ProviderConfig config) {
        config.requireOnly(Set.of("entered_file", "proceed_file"));
        Path entered = Path.of(config.string("entered_file"));
        Path release = Path.of(config.string("proceed_file"));
        try {
            Files.writeString(entered, "creating\n");
            long until = System.nanoTime() + 90_000_000_000L;
            while (!Files.exists(release) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new FailoverProvider() {
            @Override
            public String resource() {
                return "nothing (test-slow-create)";
            }

            @Override
            public FailoverOutcome acquire(FailoverContext context) {
                return new FailoverOutcome.Done("nothing to do");
            }
        };
    }
}
