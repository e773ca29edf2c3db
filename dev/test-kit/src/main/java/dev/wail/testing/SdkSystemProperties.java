package dev.wail.testing;

import dev.wail.embedded.LocalAws;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points the AWS SDK's own resolution (what an application under test uses when it builds a client without an
 * explicit endpoint) at a local emulator the way a Lambda environment would point it at AWS: endpoint, region and
 * dummy credentials, here through the SDK's system properties of this JVM ({@link #asConfig()} for an application
 * in another process). {@link #close()} puts back what was there before.
 */
public final class SdkSystemProperties implements AutoCloseable {

    private final Map<String, String> replaced = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @param endpointProperty the SDK's per-service endpoint property, e.g. {@code aws.endpointUrlKinesis} or
     *                         {@code aws.endpointUrlSecretsManager}
     */
    public static SdkSystemProperties pointAt(String endpointProperty, URI endpoint) {
        SdkSystemProperties properties = new SdkSystemProperties();
        properties.set(endpointProperty, endpoint.toString());
        properties.set("aws.region", LocalAws.REGION);
        properties.set("aws.accessKeyId", "dummy");
        properties.set("aws.secretAccessKey", "dummy");
        return properties;
    }

    private void set(String name, String value) {
        replaced.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
        values.put(name, value);
    }

    /**
     * The same settings as configuration, for a test resource to return: a {@code @QuarkusIntegrationTest} passes
     * them to the application it launches (another process) as system properties, where the SDK finds them.
     */
    public Map<String, String> asConfig() {
        return Map.copyOf(values);
    }

    @Override
    public void close() {
        replaced.forEach((name, previous) -> {
            if (previous == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, previous);
            }
        });
        replaced.clear();
    }
}
