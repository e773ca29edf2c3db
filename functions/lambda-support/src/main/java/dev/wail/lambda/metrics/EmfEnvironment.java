package dev.wail.lambda.metrics;

import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ConsoleSink;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * Where EMF lines go, decided once instead of by the library's probing (which on a laptop would try to reach a
 * CloudWatch agent over the network): always to the given sink, stdout by default, which Lambda ships to
 * CloudWatch Logs, where the lines become metrics.
 */
public final class EmfEnvironment implements Environment {

    private final ISink sink;
    private final String defaultName;

    /** @param defaultName the function's name when {@code AWS_LAMBDA_FUNCTION_NAME} is not set (tests, a laptop) */
    public EmfEnvironment(ISink sink, String defaultName) {
        this.sink = sink;
        this.defaultName = defaultName;
    }

    /** Lines on stdout, as Lambda wants them. */
    public static EmfEnvironment console(String defaultName) {
        return new EmfEnvironment(ConsoleSink.builder().build(), defaultName);
    }

    @Override
    public boolean probe() {
        return true;
    }

    @Override
    public String getName() {
        String function = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        return function == null ? defaultName : function;
    }

    @Override
    public String getType() {
        return "AWS::Lambda::Function";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + getName();
    }

    @Override
    public void configureContext(MetricsContext context) {
        // Lambda adds the function's own context to the log stream; nothing to add per line.
    }

    @Override
    public ISink getSink() {
        return sink;
    }
}
