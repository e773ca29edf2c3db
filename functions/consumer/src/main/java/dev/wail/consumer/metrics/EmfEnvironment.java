package dev.wail.consumer.metrics;

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

    public EmfEnvironment(ISink sink) {
        this.sink = sink;
    }

    /** Lines on stdout, as Lambda wants them. */
    public static EmfEnvironment console() {
        return new EmfEnvironment(ConsoleSink.builder().build());
    }

    @Override
    public boolean probe() {
        return true;
    }

    @Override
    public String getName() {
        String function = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        return function == null ? "wail-consumer" : function;
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
