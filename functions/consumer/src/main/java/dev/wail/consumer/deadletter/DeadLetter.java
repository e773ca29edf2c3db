package dev.wail.consumer.deadletter;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A message the consumer could not process, kept with the reason a person can act on (table
 * {@code wail.dead_letters}). One row per message: a message seen again counts an attempt and updates the reason.
 * The message itself goes to the SQS dead-letter queue (sent there at once by the consumer when rejected and
 * {@code wail.consumer.dead-letter-queue-url} is set, with attribute {@code wail.message-id} naming this row's
 * {@link #messageId}; else by SQS's redrive, under the same message id), to the Kinesis on-failure destination (as a
 * shard and sequence range), or, for a rejected Kinesis record that cannot block its shard, lives on here.
 */
@Entity
@Table(name = "dead_letters", schema = "wail")
public class DeadLetter extends PanacheEntityBase {

    /** What the consumer did with the message. */
    public enum Disposition {
        /** It can never succeed as it is (malformed, unconfigured table, unknown transaction). */
        REJECTED,
        /** Something transient failed; the log delivers it again until its retry limit. */
        RETRY
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The ARN of the queue or stream the message came from. */
    public String log;

    /** SQS message id, or Kinesis sequence number. */
    @Column(name = "message_id")
    public String messageId;

    public String body;

    @Enumerated(EnumType.STRING)
    public Disposition disposition;

    public String reason;

    public int attempts;

    @Column(name = "first_seen_at")
    public Instant firstSeenAt;

    @Column(name = "last_seen_at")
    public Instant lastSeenAt;

    public static Uni<DeadLetter> findByMessage(String log, String messageId) {
        return find("log = ?1 and messageId = ?2", log, messageId).firstResult();
    }
}
