package dev.wail.lambda.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The secret's shape: what is accepted, and the precise refusal of everything else, never showing a password. */
class DatabaseSecretTest {

    private static final String ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:wail-db-AbCdEf";

    @Test
    void anRdsManagedSecretGivesItsUserAndPasswordAndIgnoresTheRest() {
        DatabaseSecret secret = DatabaseSecret.parse(ARN, """
                {"username":"wail","password":"p@ss:w/rd","engine":"postgres","host":"db.example","port":5432}""");

        assertThat(secret.username()).isEqualTo("wail");
        assertThat(secret.password()).isEqualTo("p@ss:w/rd");
        assertThat(secret.toString()).isEqualTo("DatabaseSecret[username=wail, password=***]");
    }

    @Test
    void everyOtherShapeIsRefusedNamingTheSecretAndWhatIsWrongButNotItsContent() {
        assertThatThrownBy(() -> DatabaseSecret.parse(ARN, "username=wail password=hunter2"))
                .hasMessage("database secret " + ARN + " (expected {\"username\":\"...\",\"password\":\"...\"}) is "
                        + "not JSON (at line 1, column 1)")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> DatabaseSecret.parse(ARN, "[\"wail\",\"hunter2\"]"))
                .hasMessageEndingWith("is not a JSON object");
        assertThatThrownBy(() -> DatabaseSecret.parse(ARN, "{\"username\":\"wail\"}"))
                .hasMessageEndingWith(": member \"password\" is missing");
        assertThatThrownBy(() -> DatabaseSecret.parse(ARN, "{\"username\":42,\"password\":\"hunter2\"}"))
                .hasMessageEndingWith(": member \"username\" is not a non-empty string")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> DatabaseSecret.parse(ARN, "{\"username\":\"wail\",\"password\":\"\"}"))
                .hasMessageEndingWith(": member \"password\" is not a non-empty string");
    }

    @Test
    void theRegionComesFromTheArnAndAnythingElseIsRefused() {
        assertThat(SecretsManagerReader.regionOf(ARN).id()).isEqualTo("us-east-1");
        assertThat(SecretsManagerReader.regionOf("arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:x").id())
                .isEqualTo("cn-north-1");
        assertThatThrownBy(() -> SecretsManagerReader.regionOf("wail-db"))
                .hasMessage("WAIL_DATABASE_SECRET_ARN must be a Secrets Manager secret ARN "
                        + "(arn:aws:secretsmanager:<region>:<account>:secret:<name>), got 'wail-db'");
        assertThatThrownBy(() -> SecretsManagerReader.regionOf("arn:aws:ssm:us-east-1:000000000000:parameter/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
