package dev.wail.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * A function with its database credentials only in a Secrets Manager secret: the services of
 * {@link SecretBackedServices} and none of the global test resources. Extend it to add configuration.
 */
public class SecretBackedProfile implements QuarkusTestProfile {

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SecretBackedServices.class));
    }
}
