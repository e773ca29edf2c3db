package dev.wail.lambda.secret;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads a secret's current string value with {@code GetSecretValue}. One client per region, created on first use,
 * in the region the secret's ARN names (so a secret of another region works without configuration); credentials and
 * endpoint follow the AWS SDK's own resolution (the function's role; {@code AWS_ENDPOINT_URL} for an emulator).
 */
public final class SecretsManagerReader implements AutoCloseable {

    private final Map<Region, SecretsManagerClient> clients = new ConcurrentHashMap<>();

    /**
     * @throws IllegalStateException naming the secret and the likely cause when it cannot be read
     */
    public String read(String secretArn) {
        Region region = regionOf(secretArn);
        try {
            String value = clients.computeIfAbsent(region, SecretsManagerReader::client)
                    .getSecretValue(b -> b.secretId(secretArn)).secretString();
            if (value == null) {
                throw new IllegalStateException("database secret " + secretArn + " holds binary data; expected a "
                        + "JSON string with \"username\" and \"password\"");
            }
            return value;
        } catch (SdkException e) {
            throw new IllegalStateException("could not read database secret " + secretArn + ": " + e.getMessage()
                    + " (does the function's role allow secretsmanager:GetSecretValue on it, and kms:Decrypt on its "
                    + "key if it is a customer managed key; can the function reach Secrets Manager from its subnets?)",
                    e);
        }
    }

    /** {@code arn:<partition>:secretsmanager:<region>:<account>:secret:<name>} -> the region. */
    static Region regionOf(String secretArn) {
        String[] parts = secretArn.split(":", 7);
        if (parts.length < 7 || !parts[0].equals("arn") || !parts[2].equals("secretsmanager") || parts[3].isEmpty()
                || !parts[5].equals("secret")) {
            throw new IllegalArgumentException("WAIL_DATABASE_SECRET_ARN must be a Secrets Manager secret ARN "
                    + "(arn:aws:secretsmanager:<region>:<account>:secret:<name>), got '" + secretArn + "'");
        }
        return Region.of(parts[3]);
    }

    private static SecretsManagerClient client(Region region) {
        return SecretsManagerClient.builder()
                .region(region)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public void close() {
        clients.values().forEach(SecretsManagerClient::close);
        clients.clear();
    }
}
