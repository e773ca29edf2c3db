package dev.wail.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.wail.core.intent.Intent;
import dev.wail.embedded.TestData;
import io.restassured.http.ContentType;
import java.util.List;

/**
 * The deployed producer's scenario, whatever the log: two statements on a captured table (12 inserts, then a delete
 * of one of those rows) drained by one invocation with the scheduled event EventBridge sends.
 */
final class ScheduledDrain {

    private ScheduledDrain() {
    }

    /** Installs the hooks, captures {@code public.<table>} (recreated) and runs the two statements. */
    static void twelveInsertsThenADelete(String jdbcUrl, String table) {
        TestData.execute(jdbcUrl, Hooks.installerSql() + """
                TRUNCATE wail.outbox;
                DROP TABLE IF EXISTS public.%1$s;
                CREATE TABLE public.%1$s (id bigint PRIMARY KEY, status text NOT NULL);
                SELECT wail.capture('public.%1$s', source => 'shop');
                INSERT INTO %1$s SELECT g, 'new' FROM generate_series(1, 12) g;
                DELETE FROM %1$s WHERE id = 12;
                """.formatted(table));
    }

    /** Invokes the function through the Lambda mock event server; the report must show both rows and 13 intents sent. */
    static void invokeAndExpectEverythingSent(int lambdaPort) {
        given().contentType(ContentType.JSON).body(TestData.resource("/events/eventbridge-scheduled-event.json"))
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200)
                .body("rows", equalTo(2)).body("intents", equalTo(13))
                .body("rejectedRows", equalTo(0)).body("retainedRows", equalTo(0));
    }

    /** What the log must hold afterwards: 13 intents of the table, two of them (insert, delete) for row 12. */
    static void assertIntentsOfTheTwoStatements(List<Intent> intents, String table) {
        assertThat(intents).hasSize(13).allSatisfy(i -> assertThat(i.table()).isEqualTo(table));
        assertThat(intents).extracting(i -> i.key().value(0)).filteredOn(id -> id.equals(12L)).hasSize(2);
    }
}
