package dev.wail.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.wail.core.intent.Intent;
import dev.wail.core.wire.IntentCodec;
import dev.wail.testing.EmbeddedKinesisServer;
import dev.wail.testing.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The deployable producer configured for Kinesis, invoked like Lambda invokes it on a schedule. */
@QuarkusTest
@TestProfile(KinesisLogProfile.class)
class OutboxDrainToKinesisHandlerTest {

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    /** The application's own client, resolved by the SDK from the environment the profile set up. */
    @Inject
    KinesisClient kinesis;

    @Test
    void aScheduledInvocationDrainsTheOutboxToTheConfiguredStream() {
        TestData.execute(jdbcUrl, Hooks.installerSql() + """
                TRUNCATE wail.outbox;
                DROP TABLE IF EXISTS public.shipments;
                CREATE TABLE public.shipments (id bigint PRIMARY KEY, status text NOT NULL);
                SELECT wail.capture('public.shipments', source => 'shop');
                INSERT INTO shipments SELECT g, 'packed' FROM generate_series(1, 12) g;
                DELETE FROM shipments WHERE id = 12;
                """);

        given().contentType(ContentType.JSON).body(TestData.resource("/events/eventbridge-scheduled-event.json"))
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200)
                .body("rows", equalTo(2)).body("intents", equalTo(13))
                .body("rejectedRows", equalTo(0)).body("retainedRows", equalTo(0));

        List<Record> records = EmbeddedKinesisServer.records(kinesis, KinesisLogProfile.STREAM);
        List<Intent> intents = records.stream().map(r -> IntentCodec.DEFAULT.decode(r.data().asUtf8String())).toList();
        assertThat(intents).hasSize(13).allSatisfy(i -> assertThat(i.table()).isEqualTo("shipments"));
        assertThat(intents).extracting(i -> i.key().value(0)).filteredOn(id -> id.equals(12L)).hasSize(2);
        assertThat(records).allSatisfy(r -> assertThat(r.partitionKey())
                .isEqualTo(IntentCodec.entityId(IntentCodec.DEFAULT.decode(r.data().asUtf8String()).entity())));
    }
}
