package dev.wail.emulation.lambda;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One deployed function, as Terraform describes it: a name, the unpacked zip, the environment, the memory (the
 * instance's heap) and the timeout.
 */
public record FunctionSpec(String name, Path taskRoot, Map<String, String> environment, int memoryMb,
        Duration timeout) {
}
