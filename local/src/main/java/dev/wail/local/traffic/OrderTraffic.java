package dev.wail.local.traffic;

import io.quarkus.vertx.VertxContextSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Order traffic the way a shop service makes it, through Hibernate Reactive: {@code clients} sessions, together at
 * {@code rate} operations per second, create orders, move their open ones forward through their statuses (picked
 * with a skew towards the newest, so a few keys are hot), cancel some and delete some.
 */
public final class OrderTraffic {

    private static final Logger LOG = Logger.getLogger(OrderTraffic.class);
    private static final String[] CUSTOMERS = {"ada", "grace", "linus", "barbara", "ken", "margaret", "dennis"};

    private final Mutiny.SessionFactory sessions;
    private final int rate;
    private final int clients;
    private final double skew;
    private final AtomicLong creates = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong cancels = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public OrderTraffic(Mutiny.SessionFactory sessions, int rate, int clients, double skew) {
        this.sessions = sessions;
        this.rate = rate;
        this.clients = clients;
        this.skew = skew;
    }

    /** Runs for {@code duration} on {@code clients} threads; returns when every client has stopped. */
    public void run(Duration duration) throws InterruptedException {
        long endsAt = System.nanoTime() + duration.toNanos();
        long intervalNanos = 1_000_000_000L * clients / rate;
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long offset = intervalNanos * c / clients;
            Thread client = new Thread(() -> {
                try {
                    runClient(endsAt, intervalNanos, offset, new ArrayList<>());
                } finally {
                    done.countDown();
                }
            }, "order-client-" + c);
            client.setDaemon(true);
            client.start();
        }
        // A client whose write never returns would hold the run forever: give up on it, say so, go on to verify
        // (its transaction stays open until the server or the run ends; its intents wait as in progress).
        if (!done.await(duration.toSeconds() + 20, java.util.concurrent.TimeUnit.SECONDS)) {
            LOG.errorf("%d order clients are stuck in a write that never returned; going on without them",
                    done.getCount());
        }
    }

    /**
     * One client's loop. Each client moves only the orders it created (its {@code open} list, oldest first), as a
     * session of one shop clerk would: two clients never race on one row, so no write is lost to a concurrent delete
     * (Hibernate would report it as a stale entity), and a hot order still changes several times a second.
     */
    private void runClient(long endsAt, long intervalNanos, long offset, List<Long> open) {
        long next = System.nanoTime() + offset;
        // Ends with the duration even when behind schedule: a source slower than the offered rate must not go on
        // writing its backlog of scheduled writes into the drain (the summary reports the rate it reached).
        while (next < endsAt && System.nanoTime() < endsAt) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(wait);
            }
            try {
                VertxContextSupport.subscribeAndAwait(() -> oneOperation(open));
            } catch (Throwable e) {
                errors.incrementAndGet();
                // A real service sees these too: a write that lost a race with a delete, or one that timed out.
                LOG.warnf("order client: operation failed, rolled back: %s", e.getMessage() == null ? e : e.getMessage());
            }
            // Paced by schedule, not by latency: a slow write does not lower the offered rate for long.
            next += intervalNanos;
        }
    }

    private io.smallrye.mutiny.Uni<Void> oneOperation(List<Long> open) {
        double roll = ThreadLocalRandom.current().nextDouble();
        Long hot = roll < 0.25 ? null : pickOpen(open);
        if (hot == null) {
            return create(open);
        }
        if (roll < 0.92) {
            return advance(hot, open);
        }
        open.remove(hot);
        return roll < 0.97 ? cancel(hot) : delete(hot);
    }

    private io.smallrye.mutiny.Uni<Void> create(List<Long> open) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Order order = new Order();
        order.customer = CUSTOMERS[random.nextInt(CUSTOMERS.length)];
        order.status = OrderStatus.NEW.name();
        order.totalCents = 100 + random.nextInt(50_000);
        return sessions.withTransaction(session -> session.persist(order))
                .invoke(() -> {
                    creates.incrementAndGet();
                    open.add(order.id);
                });
    }

    private io.smallrye.mutiny.Uni<Void> advance(Long id, List<Long> open) {
        return sessions.withTransaction(session -> session.find(Order.class, id).invoke(order -> {
            if (order == null) {
                return;
            }
            OrderStatus next = OrderStatus.valueOf(order.status).next();
            if (next != null) {
                order.status = next.name();
                updates.incrementAndGet();
            }
            if (next == null || next.next() == null) {
                open.remove(id);
            }
        })).replaceWithVoid();
    }

    private io.smallrye.mutiny.Uni<Void> cancel(long id) {
        return sessions.withTransaction(session -> session.find(Order.class, id).invoke(order -> {
            if (order != null) {
                order.status = OrderStatus.CANCELLED.name();
                cancels.incrementAndGet();
            }
        })).replaceWithVoid();
    }

    /**
     * A delete statement, not {@code session.remove(order)}: with Hibernate Reactive 3.2.5, a removed entity flushed at
     * commit left about one delete in 20 of this traffic hanging after its DELETE, its COMMIT never sent and the
     * client waiting forever (seen in most 15-second runs, never in the same runs with this statement).
     */
    private io.smallrye.mutiny.Uni<Void> delete(long id) {
        return sessions.withTransaction(session -> session.createMutationQuery("delete from Order o where o.id = :id")
                .setParameter("id", id).executeUpdate()
                .invoke(deleted -> deletes.addAndGet(deleted))).replaceWithVoid();
    }

    /** An open order, the newest ones far likelier than the old ones; {@code null} when none is open. */
    private Long pickOpen(List<Long> open) {
        int n = open.size();
        if (n == 0) {
            return null;
        }
        double u = ThreadLocalRandom.current().nextDouble();
        return open.get(n - 1 - (int) (n * Math.pow(u, skew)));
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Source writes so far: rows created, updated (cancels included) and deleted. */
    public long writes() {
        return creates.get() + updates.get() + cancels.get() + deletes.get();
    }

    public long creates() {
        return creates.get();
    }

    public long updates() {
        return updates.get();
    }

    public long cancels() {
        return cancels.get();
    }

    public long deletes() {
        return deletes.get();
    }

    /** Operations that failed (logged); they wrote nothing, their transaction rolled back. */
    public long errors() {
        return errors.get();
    }
}
