package dev.wail.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    private final List<String> calls = new CopyOnWriteArrayList<>();

    private FaultSchedule.Outage recorded(String name) {
        return new FaultSchedule.Outage() {
            @Override
            public void begin() {
                calls.add("begin " + name);
            }

            @Override
            public void end() {
                calls.add("end " + name);
            }
        };
    }

    @Test
    void roundsRepeatInFaultOrderAndEachOutageIsEnded() throws Exception {
        FaultSchedule schedule = new FaultSchedule(Map.of(Fault.SINK_OUTAGE, recorded("sink"), Fault.SOURCE_RESTART,
                recorded("source")), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(4500)).start();

        await().atMost(Duration.ofSeconds(15)).until(() -> calls.size() >= 6);
        schedule.close();

        assertThat(calls.subList(0, 6)).containsExactly("begin source", "end source", "begin sink", "end sink",
                "begin source", "end source");
        assertThat(schedule.count(Fault.SOURCE_RESTART)).isGreaterThanOrEqualTo(2);
        List<FaultSchedule.Injected> injected = schedule.injected();
        assertThat(injected.get(0).fault()).isEqualTo(Fault.SOURCE_RESTART);
        assertThat(injected.get(0).lastedMillis()).isBetween(200L, 2000L);
        // The second round starts --fault-every after the first.
        assertThat(injected.get(2).atSeconds() - injected.get(0).atSeconds()).isBetween(4.4, 6.0);
    }

    @Test
    void closingEndsAnOutageUnderWayAndBeginsNoOther() throws Exception {
        FaultSchedule schedule = new FaultSchedule(Map.of(Fault.LOG_OUTAGE, recorded("log"), Fault.SINK_OUTAGE,
                recorded("sink")), Duration.ZERO, Duration.ofMinutes(5), Duration.ZERO).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.contains("begin log"));

        schedule.close();

        assertThat(calls).containsExactly("begin log", "end log");
        assertThat(schedule.count(Fault.LOG_OUTAGE)).isEqualTo(1);
    }

    @Test
    void noFaultsNoThread() throws Exception {
        FaultSchedule schedule = new FaultSchedule(Map.of(), Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO)
                .start();
        schedule.close();
        assertThat(schedule.injected()).isEmpty();
    }
}
