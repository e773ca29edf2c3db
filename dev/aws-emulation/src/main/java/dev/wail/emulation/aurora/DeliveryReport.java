package dev.wail.emulation.aurora;

/**
 * What one pass of the local invoker did.
 *
 * @param claimed   invocations taken from {@code aws_lambda_emulation.invocations}
 * @param succeeded invocations the function handled, deleted
 * @param retrying  invocations the function failed, kept for another attempt after a backoff
 * @param failed    invocations that failed their last attempt, moved to {@code aws_lambda_emulation.failed_invocations}
 * @param waiting   invocations not handled because the function was unreachable (the first unreachable one and those
 *                  after it, not tried), kept without counting an attempt
 */
public record DeliveryReport(int claimed, int succeeded, int retrying, int failed, int waiting) {

    public static final DeliveryReport EMPTY = new DeliveryReport(0, 0, 0, 0, 0);

    public DeliveryReport plus(DeliveryReport other) {
        return new DeliveryReport(claimed + other.claimed, succeeded + other.succeeded, retrying + other.retrying,
                failed + other.failed, waiting + other.waiting);
    }
}
