package dev.wail.emulation.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.emulation.lambda.InvocationResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The EventBridge schedule emulation: first invocation at start, then one per rate, overlapping when slow. */
class ScheduleTest {

    private static final String RULE = "arn:aws:events:us-east-1:000000000000:rule/wail-shop-outbox-drain";

    @Test
    void firesAtStartWithAScheduledEventNamingTheRule() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch invoked = new CountDownLatch(1);

        try (Schedule schedule = new Schedule(event -> {
            events.add(event);
            invoked.countDown();
            return InvocationResult.succeeded("{}");
        }, RULE, "us-east-1").start(Duration.ofHours(1))) {
            // An hour's rate: only an invocation at start can arrive within the test.
            assertThat(invoked.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(schedule.fired()).isEqualTo(1);
        }
        assertThat(events).singleElement().asString().contains("\"detail-type\":\"Scheduled Event\"",
                "\"source\":\"aws.events\"", "\"resources\":[\"" + RULE + "\"]", "\"region\":\"us-east-1\"");
    }

    @Test
    void keepsFiringWhileEarlierInvocationsStillRun() throws Exception {
        AtomicInteger running = new AtomicInteger();
        CountDownLatch threeAtOnce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        try (Schedule schedule = new Schedule(event -> {
            if (running.incrementAndGet() >= 3) {
                threeAtOnce.countDown();
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return InvocationResult.succeeded("{}");
        }, RULE, "us-east-1").start(Duration.ofMillis(100))) {
            // None of the invocations ends until released: three running at once means the rule did not wait.
            assertThat(threeAtOnce.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(schedule.fired()).isGreaterThanOrEqualTo(3);
            release.countDown();
        }
    }
}
