package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;

/** The Lambda context of an invocation that has {@code remaining} left: what the runtime hands a handler. */
record InvocationContext(long deadlineMillis) implements Context {

    static InvocationContext remaining(Duration remaining) {
        return new InvocationContext(System.currentTimeMillis() + remaining.toMillis());
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public String getAwsRequestId() {
        return "contract-request";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/wail-consumer";
    }

    @Override
    public String getLogStreamName() {
        return "contract";
    }

    @Override
    public String getFunctionName() {
        return "wail-consumer";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:wail-consumer";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return null;
    }
}
