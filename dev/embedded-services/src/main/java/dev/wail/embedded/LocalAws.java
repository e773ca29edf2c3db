package dev.wail.embedded;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * What every test client of an emulator on this machine shares: one region, one account id, dummy credentials, an
 * explicit endpoint. Nothing a test builds with it can reach real AWS.
 */
public final class LocalAws {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";

    private LocalAws() {
    }

    /**
     * Points any AWS SDK client builder (sync or async, any service) at a local endpoint with dummy credentials; the
     * caller adds the HTTP client and builds.
     */
    public static <B extends AwsClientBuilder<B, C>, C> B pointedAt(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")));
    }
}
