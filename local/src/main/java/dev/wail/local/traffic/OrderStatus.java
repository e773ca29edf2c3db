package dev.wail.local.traffic;

/** The life of an order: it moves forward one status at a time until delivered, unless cancelled or deleted. */
enum OrderStatus {
    NEW, PAID, PACKED, SHIPPED, DELIVERED, CANCELLED;

    /** The next status, or {@code null} when the order is done. */
    OrderStatus next() {
        return switch (this) {
            case NEW -> PAID;
            case PAID -> PACKED;
            case PACKED -> SHIPPED;
            case SHIPPED -> DELIVERED;
            case DELIVERED, CANCELLED -> null;
        };
    }
}
