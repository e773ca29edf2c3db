package dev.wail.local.traffic;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An order of the example shop, as its service maps it (the table is in {@code local/shop-schema.sql}). The service
 * knows nothing of wail: the hooks on the table capture its writes. {@code updated_at} is stamped by the table's own
 * trigger, so it is not mapped here.
 */
@Entity
@Table(name = "orders")
public class Order {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String customer;

    @Column(nullable = false)
    public String status;

    @Column(name = "total_cents", nullable = false)
    public long totalCents;
}
