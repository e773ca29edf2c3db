package dev.wail.lambda.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wail.embedded.LocalAws;
import dev.wail.embedded.MotoServer;
import dev.wail.testing.SdkSystemProperties;
import io.quarkus.credentials.CredentialsProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The credentials provider against moto_server's Secrets Manager, reached the way a function reaches AWS: the SDK's
 * own resolution (here its system properties, in Lambda the environment), the region taken from the secret's ARN.
 */
class DatabaseSecretCredentialsTest {

    private static MotoServer moto;
    private static SdkSystemProperties sdk;
    private static SecretsManagerClient admin;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void startMoto() {
        assumeTrue(MotoServer.available(), MotoServer.MISSING);
        moto = MotoServer.start();
        sdk = SdkSystemProperties.pointAt("aws.endpointUrlSecretsManager", moto.endpoint());
        admin = LocalAws.pointedAt(SecretsManagerClient.builder(), moto.endpoint())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stopMoto() {
        if (admin != null) {
            admin.close();
        }
        if (sdk != null) {
            sdk.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void credentialsAreReadOnceAndAgainOnlyAfterTheTtlSoARotationArrives() {
        String arn = admin.createSecret(b -> b.name("wail-db-rotating")
                .secretString("{\"username\":\"wail\",\"password\":\"first\"}")).arn();
        TestClock clock = new TestClock();
        DatabaseSecretCredentials credentials = new DatabaseSecretCredentials(new SecretsManagerReader(),
                Duration.ofMinutes(5), clock);

        assertThat(credentials.getCredentials(arn)).isEqualTo(Map.of(CredentialsProvider.USER_PROPERTY_NAME, "wail",
                CredentialsProvider.PASSWORD_PROPERTY_NAME, "first"));

        admin.putSecretValue(b -> b.secretId(arn).secretString("{\"username\":\"wail\",\"password\":\"second\"}"));
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertThat(credentials.getCredentialsAsync(arn).await().indefinitely())
                .containsEntry(CredentialsProvider.PASSWORD_PROPERTY_NAME, "first");

        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(credentials.getCredentialsAsync(arn).await().indefinitely())
                .containsEntry(CredentialsProvider.PASSWORD_PROPERTY_NAME, "second");
        credentials.close();
    }

    @Test
    void aMissingSecretOrAMalformedOneFailsNamingTheSecretAndWhatToCheck() {
        DatabaseSecretCredentials credentials = new DatabaseSecretCredentials(new SecretsManagerReader(),
                Duration.ofMinutes(5), Clock.systemUTC());
        String missing = "arn:aws:secretsmanager:us-east-1:" + LocalAws.ACCOUNT + ":secret:wail-db-missing-AbCdEf";
        assertThatThrownBy(() -> credentials.getCredentials(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("could not read database secret " + missing + ": ")
                .hasMessageContaining("secretsmanager:GetSecretValue");

        String malformed = admin.createSecret(b -> b.name("wail-db-malformed").secretString("{\"user\":\"wail\"}"))
                .arn();
        assertThatThrownBy(() -> credentials.getCredentialsAsync(malformed).await().indefinitely())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": member \"username\" is missing");
        credentials.close();
    }
}
