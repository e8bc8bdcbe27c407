package org.vrrp4j.examples.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/writing-a-provider.md quotes the example instead of paraphrasing it: every Java block there starts
 * with a comment naming its source file, and the rest of the block must be in that file verbatim.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProviderGuideTest {
    /** The module's tests run in examples/; the guide and the quoted paths are the project's. */
    private static final Path ROOT = Path.of("..");

    @Test
    void everyJavaBlockOfTheGuideIsInTheFileItNames() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("docs/writing-a-provider.md"));
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : lines) {
            if (current == null && line.equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        assertThat(current).as("an unclosed code block").isNull();
        assertThat(blocks).as("the guide's Java blocks").hasSizeGreaterThanOrEqualTo(5);
        for (List<String> block : blocks) {
            assertThat(block.getFirst()).as("a block's first line names its file").startsWith("// ");
            Path source = ROOT.resolve(block.getFirst().substring(3).strip());
            assertThat(source).as(block.getFirst()).exists();
            String code = String.join("\n", block.subList(1, block.size()));
            assertThat(Files.readString(source)).as("the quote from " + source).contains(code);
        }
    }
}
