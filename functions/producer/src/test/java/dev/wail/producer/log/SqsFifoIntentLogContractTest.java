package dev.wail.producer.log;

import dev.wail.embedded.EmbeddedSqsServer;

/** The intent log contract for {@link SqsIntentLog} on an ElasticMQ FIFO queue: each entity a message group, in order. */
class SqsFifoIntentLogContractTest extends SqsIntentLogContractTest {

    SqsFifoIntentLogContractTest(EmbeddedSqsServer sqs) {
        super(sqs);
    }

    @Override
    protected boolean fifo() {
        return true;
    }

    @Override
    protected boolean ordersPerEntity() {
        return true;
    }
}
