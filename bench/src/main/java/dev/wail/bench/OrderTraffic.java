package dev.wail.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the {@link Workload} to the source: each client is one autocommit JDBC connection, paced to its share of
 * the rate (behind schedule it writes without pausing, so a slow source shows as an achieved rate below target).
 * The same generator drives both pipelines; it knows nothing about either.
 */
final class OrderTraffic {

    /** Names the writing threads and their server connections, so the probe counts them as the harness's. */
    static final String APPLICATION = "bench-writer";
    private static final String[] STATUSES = {"paid", "packed", "shipped", "delivered", "returned"};
    private static final String INSERT = "INSERT INTO bench.orders (id, customer, status, amount_cents, note)"
            + " VALUES (?, ?, 'new', ?, ?)";
    private static final String UPDATE = "UPDATE bench.orders SET status = ?, amount_cents = amount_cents + 1,"
            + " written_at = clock_timestamp() WHERE id = ?";
    private static final String DELETE = "DELETE FROM bench.orders WHERE id = ?";

    /** What one run wrote: rows changed and seconds taken. */
    record Result(long writes, double seconds) {
        double achievedRate() {
            return writes / seconds;
        }
    }

    private final String jdbcUrl;
    private final Workload workload;
    private final AtomicLong nextId;
    private final String note;

    OrderTraffic(String jdbcUrl, Workload workload) {
        this.jdbcUrl = jdbcUrl;
        this.workload = workload;
        this.nextId = new AtomicLong(workload.initialRows());
        this.note = "y".repeat(workload.rowWidth());
    }

    /** Writes at the workload's rate for its duration; {@code paced = false} writes as fast as the source allows. */
    Result run(int rate, int seconds, boolean paced) throws InterruptedException {
        int clients = workload.clients();
        long[] writes = new long[clients];
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long intervalNanos = paced ? clients * 1_000_000_000L / rate : 0;
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                writes[client] = writeUntil(start, end, intervalNanos);
            }, APPLICATION + "-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(java.util.Arrays.stream(writes).sum(), elapsed);
    }

    private long writeUntil(long start, long end, long intervalNanos) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl + "&ApplicationName=" + APPLICATION);
             PreparedStatement insert = connection.prepareStatement(INSERT);
             PreparedStatement update = connection.prepareStatement(UPDATE);
             PreparedStatement delete = connection.prepareStatement(DELETE)) {
            long done = 0;
            long next = start;
            while (System.nanoTime() < end) {
                if (intervalNanos > 0) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    next += intervalNanos;
                }
                done += writeOne(insert, update, delete);
            }
            return done;
        } catch (SQLException e) {
            throw new IllegalStateException("the workload could not write to the source: " + e.getMessage(), e);
        }
    }

    /** Writes one statement; returns the rows it changed (an update or delete of a deleted order changes none). */
    private int writeOne(PreparedStatement insert, PreparedStatement update, PreparedStatement delete)
            throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        double dice = random.nextDouble();
        if (dice < workload.insertShare()) {
            long id = nextId.incrementAndGet();
            insert.setLong(1, id);
            insert.setString(2, "customer " + id % 997);
            insert.setLong(3, id * 7);
            insert.setString(4, note);
            return insert.executeUpdate();
        } else if (dice < workload.insertShare() + workload.deleteShare()) {
            delete.setLong(1, anyKey(random));
            return delete.executeUpdate();
        } else {
            update.setString(1, STATUSES[random.nextInt(STATUSES.length)]);
            update.setLong(2, random.nextDouble() < workload.hotShare() ? hotKey(random) : anyKey(random));
            return update.executeUpdate();
        }
    }

    /** One of the newest {@code hotKeys} orders: recent orders are the ones whose status moves. */
    private long hotKey(ThreadLocalRandom random) {
        return Math.max(1, nextId.get() - random.nextInt(workload.hotKeys()));
    }

    private long anyKey(ThreadLocalRandom random) {
        return 1 + random.nextLong(nextId.get());
    }
}
