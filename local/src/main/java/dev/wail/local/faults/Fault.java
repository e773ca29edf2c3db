package dev.wail.local.faults;

/** The outages {@code --fault} injects into the main job, each one begun and, after {@code --fault-for}, ended. */
public enum Fault {
    /** The source PostgreSQL server stopped and started again (same port, same data). */
    SOURCE_RESTART("source-restart"),
    /** The queue or stream unreachable for the producer function. */
    LOG_OUTAGE("log-outage"),
    /** The read model's database unreachable for the consumer function. */
    SINK_OUTAGE("sink-outage");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    public static Fault of(String label) {
        for (Fault fault : values()) {
            if (fault.label.equals(label)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a fault: use source-restart, log-outage or "
                + "sink-outage");
    }

    @Override
    public String toString() {
        return label;
    }
}
