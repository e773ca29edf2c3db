package dev.wail.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * wail's scale on paper (docs/scaling.md): from per-call costs, the Lambda concurrency, queues or shards, the AWS
 * quotas that bind and the monthly list-price cost of capturing one table at a given write rate, side by side with
 * Debezium Server on Fargate writing to Kinesis.
 *
 * <p>Every figure the model uses is a named {@link Input} with its unit and where it comes from, so the tables can be
 * re-computed when measured figures replace today's: run {@code java bench/src/main/java/dev/wail/bench/ScalingModel.java
 * consumer.ms-per-entity=0.2 sqs.intents-per-message=100} (the JDK's single-file launcher; nothing else on the class
 * path) and paste the Markdown it prints. The model is steady-state arithmetic (Little's law: concurrency = arrival
 * rate x duration); it knows nothing of bursts, hot keys or the database's own limits beyond the inputs that name them.
 *
 * <p>Plain Java, no dependencies, no reflection.
 */
public final class ScalingModel {

    /** Seconds in the month AWS pricing pages use (730 hours). */
    static final double SECONDS_PER_MONTH = 730 * 3600;
    /** SQS bills each 64 KiB chunk of a request's payload as one request. */
    static final int SQS_BILLING_CHUNK_BYTES = 64 * 1024;
    /** SendMessageBatch, DeleteMessageBatch and ReceiveMessage take at most 10 messages. */
    static final int SQS_BATCH = 10;
    /** A Kinesis PUT payload unit is 25 KB of a record. */
    static final int KINESIS_PUT_UNIT_BYTES = 25 * 1024;
    /** Kinesis on-demand bills ingested data per record rounded up to 1 KB. */
    static final int KINESIS_ON_DEMAND_ROUNDING_BYTES = 1024;
    /** A provisioned shard takes 1 MiB/s of writes ... */
    static final double KINESIS_SHARD_BYTES_PER_SECOND = 1024 * 1024;
    /** ... or 1,000 records/s, whichever comes first. */
    static final double KINESIS_SHARD_RECORDS_PER_SECOND = 1000;

    /** The rates of issue 18: writes per second to ONE table. */
    static final double[] RATES = {1_000, 10_000, 100_000, 1_000_000};

    /** One named figure of the model: its value, its unit and where it comes from. */
    public record Input(String name, double value, String unit, String source) {
    }

    /** The model's inputs by name, in the order they are printed. */
    public static final class Inputs {
        private final Map<String, Input> byName = new LinkedHashMap<>();

        private Inputs add(String name, double value, String unit, String source) {
            byName.put(name, new Input(name, value, unit, source));
            return this;
        }

        /** The value of the named input; an unknown name is a programming error and says which names exist. */
        public double get(String name) {
            Input input = byName.get(name);
            if (input == null) {
                throw new IllegalArgumentException("no model input named '" + name + "'; known: " + byName.keySet());
            }
            return input.value();
        }

        /** A copy with the named input set to {@code value}, its source marked as given on the command line. */
        public Inputs with(String name, double value) {
            get(name);
            Inputs copy = new Inputs();
            copy.byName.putAll(byName);
            Input old = byName.get(name);
            copy.byName.put(name, new Input(name, value, old.unit(), "given (was " + plain(old.value()) + ")"));
            return copy;
        }

        public List<Input> all() {
            return List.copyOf(byName.values());
        }
    }

    /**
     * Today's inputs: measured figures from the benchmark where they exist (docs/benchmark.md, issue 18's
     * packing experiment), list prices for us-east-1 (docs/scaling.md cites each page), and named assumptions where
     * nothing was measured yet. The lead replaces them with the final measured figures.
     */
    public static Inputs defaults() {
        return new Inputs()
                // Workload
                .add("workload.rows-per-statement", 1, "rows",
                        "assumption: one-row statements, the worst case for per-statement hook costs")
                .add("workload.sink-writes-per-source-write", 0.91, "ratio",
                        "measured: 0.91 at 4,271/s, the shipped defaults (docs/benchmark.md, 2026-12-03); target 0.6")
                // Producer
                .add("producer.memory-mb", 512, "MB", "infra/variables.tf producer.memory_size default")
                .add("producer.hook-invoke-ms-per-payload", 25, "ms",
                        "assumption: aurora-hook run per payload = one SendMessageBatch round trip (~20 ms) + 5 ms")
                .add("producer.drain-rows-per-transaction", 500, "rows", "ProducerDefaults.OUTBOX_BATCH_ROWS")
                .add("producer.drain-db-ms-per-row", 0.07, "ms",
                        "measured: 50 ms per drain transaction of 99 rows, 43 ms of it sends (docs/benchmark.md, 2,847/s)")
                .add("producer.drain-sends-in-flight", 4, "calls", "ProducerDefaults.OUTBOX_SENDS_IN_FLIGHT")
                .add("producer.hook-writer-cpu-ms-per-statement", 0.15, "ms",
                        "measured: HookOverheadBenchmark, server CPU per statement with hooks minus without, 139-168 us")
                .add("producer.invoke-api-ms-per-statement", 15, "ms",
                        "assumption: aws_lambda.invoke('Event') round trip the writer waits for; measure on Aurora")
                // Log
                .add("sqs.intents-per-message", 100, "intents", "ProducerDefaults.INTENTS_PER_MESSAGE")
                .add("sqs.call-ms", 20, "ms", "SQS guide's example request latency from EC2 (horizontal scaling page)")
                .add("log.bytes-per-intent", 102, "bytes", "measured: SqsPackingBench, packed body per intent")
                .add("kinesis.intents-per-record", 100, "intents",
                        "ProducerDefaults.INTENTS_PER_RECORD (intents of one shard share a record)")
                .add("kinesis.partition-key-bytes", 22, "bytes", "measured: KinesisIntentLogTest's typical entity id")
                .add("fifo.messages-per-intent", 1, "ratio",
                        "assumption: FIFO packs only one entity per message; no hot rows in one drain batch")
                // Consumer
                .add("consumer.memory-mb", 1024, "MB", "infra/variables.tf consumer.memory_size default")
                .add("consumer.batch-messages", 10, "messages", "infra/variables.tf consumer.batch_size default")
                .add("consumer.ms-per-invocation", 20, "ms",
                        "measured: PackedBatchMeasurement, a one-intent invocation, 10-20 ms JVM CPU")
                .add("consumer.ms-per-entity", 0.28, "ms",
                        "measured: PackedBatchMeasurement, ~9,500 entities in 2.5-2.8 s wall on a loaded 2-core machine")
                .add("kinesis.parallelization-factor", 1, "batches per shard", "event source mapping default (max 10)")
                // Debezium side
                .add("debezium.max-changes-per-second-per-task", 10_000, "changes/s",
                        "measured: 9,610/s sustained, one serial handleBatch (docs/benchmark.md, 2 shared cores)")
                .add("debezium.task-vcpu", 2, "vCPU", "assumption: Fargate task size")
                .add("debezium.task-memory-gb", 4, "GB", "assumption: Fargate task size")
                .add("debezium.bytes-per-change", 801, "bytes", "measured: JSON key + value without schema (docs/benchmark.md)")
                .add("debezium.partition-key-bytes", 30, "bytes", "assumption: JSON key of a one-column primary key")
                .add("debezium.walsender-us-per-change", 13.2, "us",
                        "measured: walsender decoding 19% of a core at 14,416/s (docs/benchmark.md)")
                // Quotas (defaults of an account; docs/scaling.md cites each)
                .add("quota.lambda-account-concurrency", 1000, "executions", "Lambda quotas page, default")
                .add("quota.sqs-esm-max-concurrency", 1000, "batches", "SQS event source mapping scaling page")
                .add("quota.sqs-esm-scale-per-minute", 300, "instances/min", "SQS event source mapping scaling page")
                .add("quota.fifo-tps-per-action", 300, "calls/s", "SQS message quotas page, FIFO without high throughput")
                .add("quota.fifo-ht-tps-per-action", 70_000, "calls/s", "SQS message quotas page, high throughput, us-east-1")
                // Prices, us-east-1 list prices (docs/scaling.md cites each)
                .add("price.lambda-request-per-million", 0.20, "USD", "Lambda pricing")
                .add("price.lambda-gb-second-x86", 0.0000166667, "USD", "Lambda pricing, first 6 billion GB-s")
                .add("price.lambda-gb-second-arm64", 0.0000133334, "USD", "Lambda pricing, first 7.5 billion GB-s")
                .add("price.sqs-standard-per-million", 0.40, "USD", "SQS pricing, first 100 billion requests")
                .add("price.sqs-fifo-per-million", 0.50, "USD", "SQS pricing")
                .add("price.kinesis-shard-hour", 0.015, "USD", "Kinesis pricing, provisioned (verify, see docs)")
                .add("price.kinesis-put-units-per-million", 0.014, "USD", "Kinesis pricing, provisioned (verify)")
                .add("price.kinesis-on-demand-stream-hour", 0.04, "USD", "Kinesis pricing, on-demand (verify)")
                .add("price.kinesis-on-demand-gb-in", 0.08, "USD", "Kinesis pricing, on-demand (verify)")
                .add("price.kinesis-on-demand-gb-out", 0.04, "USD", "Kinesis pricing, on-demand (verify)")
                .add("price.fargate-vcpu-hour", 0.04048, "USD", "Fargate pricing, Linux/x86")
                .add("price.fargate-gb-hour", 0.004445, "USD", "Fargate pricing, Linux/x86");
    }

    /** What one write rate needs, and what it costs per month. */
    public record Row(
            double writesPerSecond,
            // wail, SQS standard
            double messagesPerSecond,
            double consumerInvocationsPerSecond,
            double consumerEntitiesPerInvocation,
            double consumerMillisPerInvocation,
            double consumerConcurrency,
            double esmRampMinutes,
            double sqsCallsPerSecond,
            double sqsBilledRequestsPerSecond,
            double drainConcurrency,
            double hookInvocationsPerSecond,
            double hookConcurrency,
            double writerConnectionsWaitingOnInvoke,
            double writerHookVcpu,
            // wail, SQS FIFO
            double fifoSendCallsPerSecond,
            double fifoConsumerInvocationsPerSecond,
            // wail, Kinesis
            double kinesisRecordsPerSecond,
            double kinesisShards,
            // Debezium
            double debeziumTasksNeeded,
            double walsenderCores,
            double debeziumKinesisShards,
            // monthly USD
            Cost cost) {
    }

    /** Monthly list-price cost in USD, each line apart. */
    public record Cost(
            double consumerLambdaX86,
            double consumerLambdaArm64,
            double drainLambdaX86,
            double drainLambdaArm64,
            double hookLambdaX86,
            double hookLambdaArm64,
            double sqsStandard,
            double sqsFifo,
            double kinesisProvisioned,
            double kinesisOnDemand,
            double debeziumFargate,
            double debeziumKinesisProvisioned,
            double debeziumKinesisOnDemand) {

        /** wail with the outbox drain on SQS standard, x86 (the shipped architecture). */
        public double wailOutboxSqsX86() {
            return consumerLambdaX86 + drainLambdaX86 + sqsStandard;
        }

        /** The same on arm64. */
        public double wailOutboxSqsArm64() {
            return consumerLambdaArm64 + drainLambdaArm64 + sqsStandard;
        }

        /** wail with the outbox drain on Kinesis (provisioned), x86. */
        public double wailOutboxKinesisX86() {
            return consumerLambdaX86 + drainLambdaX86 + kinesisProvisioned;
        }

        /**
         * Debezium Server on Fargate writing to Kinesis (provisioned): capture and log only, no sink writer. NaN where
         * one connector task cannot take the rate.
         */
        public double debeziumToKinesis() {
            return debeziumFargate + debeziumKinesisProvisioned;
        }
    }

    /** Computes one row of the model for {@code writesPerSecond} rows changed per second in one table. */
    public static Row compute(Inputs in, double writesPerSecond) {
        double intents = writesPerSecond; // one intent per changed row
        double statements = writesPerSecond / in.get("workload.rows-per-statement");

        // SQS standard: packed messages, SendMessageBatch / ReceiveMessage / DeleteMessageBatch of 10.
        double intentsPerMessage = in.get("sqs.intents-per-message");
        double messages = intents / intentsPerMessage;
        double batchMessages = in.get("consumer.batch-messages");
        double invocations = messages / batchMessages;
        double entitiesPerInvocation = batchMessages * intentsPerMessage * in.get("workload.sink-writes-per-source-write");
        double consumerMs = in.get("consumer.ms-per-invocation") + entitiesPerInvocation * in.get("consumer.ms-per-entity");
        double consumerConcurrency = invocations * consumerMs / 1000;
        // The mapping starts with 5 concurrent batches and adds up to 300 per minute.
        double esmRampMinutes = Math.max(0, consumerConcurrency - 5) / in.get("quota.sqs-esm-scale-per-minute");

        double bytesPerMessage = intentsPerMessage * in.get("log.bytes-per-intent");
        double sendCalls = messages / SQS_BATCH;
        double chunksPerSendOrReceive = chunks(Math.min(SQS_BATCH, batchMessages) * bytesPerMessage);
        // Receives: one per invocation (the mapping's poll that filled the batch); deletes: one batch per invocation.
        double receiveCalls = invocations * Math.ceil(batchMessages / SQS_BATCH);
        double deleteCalls = receiveCalls;
        double sqsCalls = sendCalls + receiveCalls + deleteCalls;
        double sqsBilled = sendCalls * chunks(SQS_BATCH * bytesPerMessage) + receiveCalls * chunksPerSendOrReceive
                + deleteCalls;

        // Outbox drain: database work per row, plus the sends of a transaction's messages, some in flight at once.
        double rowsPerTransaction = in.get("producer.drain-rows-per-transaction");
        double sendsPerTransaction = Math.ceil(rowsPerTransaction / intentsPerMessage / SQS_BATCH);
        double drainMsPerTransaction = rowsPerTransaction * in.get("producer.drain-db-ms-per-row")
                + Math.ceil(sendsPerTransaction / in.get("producer.drain-sends-in-flight")) * in.get("sqs.call-ms");
        double drainConcurrency = intents / rowsPerTransaction * drainMsPerTransaction / 1000;

        // aws_lambda delivery: one aurora-hook invocation per statement; the writer waits for the Invoke call.
        double hookConcurrency = statements * in.get("producer.hook-invoke-ms-per-payload") / 1000;
        double writersWaiting = statements * in.get("producer.invoke-api-ms-per-statement") / 1000;
        double writerHookVcpu = statements * in.get("producer.hook-writer-cpu-ms-per-statement") / 1000;

        // FIFO: intents of one entity only share a message.
        double fifoMessages = intents * in.get("fifo.messages-per-intent");
        double fifoSendCalls = fifoMessages / SQS_BATCH;
        double fifoInvocations = fifoMessages / Math.min(SQS_BATCH, batchMessages);
        double fifoBilled = fifoSendCalls * chunks(SQS_BATCH * in.get("log.bytes-per-intent"))
                + 2 * fifoInvocations * chunks(SQS_BATCH * in.get("log.bytes-per-intent"));

        // Kinesis (wail): records of packed intents, partition key = entity id.
        double intentsPerRecord = in.get("kinesis.intents-per-record");
        double records = intents / intentsPerRecord;
        double recordBytes = intentsPerRecord * in.get("log.bytes-per-intent") + in.get("kinesis.partition-key-bytes");
        double shards = shards(records, recordBytes);

        // Debezium: one record per change, one connector task per database (one slot).
        double debeziumTasks = Math.ceil(writesPerSecond / in.get("debezium.max-changes-per-second-per-task"));
        double walsenderCores = writesPerSecond * in.get("debezium.walsender-us-per-change") / 1_000_000;
        double debeziumRecordBytes = in.get("debezium.bytes-per-change") + in.get("debezium.partition-key-bytes");
        double debeziumShards = shards(writesPerSecond, debeziumRecordBytes);

        Cost cost = new Cost(
                lambda(in, invocations, consumerConcurrency, in.get("consumer.memory-mb"), "x86"),
                lambda(in, invocations, consumerConcurrency, in.get("consumer.memory-mb"), "arm64"),
                // A drain loop is billed for its whole run, busy or not: round its concurrency up.
                lambda(in, 0, Math.ceil(drainConcurrency), in.get("producer.memory-mb"), "x86"),
                lambda(in, 0, Math.ceil(drainConcurrency), in.get("producer.memory-mb"), "arm64"),
                lambda(in, statements, hookConcurrency, in.get("producer.memory-mb"), "x86"),
                lambda(in, statements, hookConcurrency, in.get("producer.memory-mb"), "arm64"),
                sqsBilled * SECONDS_PER_MONTH / 1e6 * in.get("price.sqs-standard-per-million"),
                fifoBilled * SECONDS_PER_MONTH / 1e6 * in.get("price.sqs-fifo-per-million"),
                kinesisProvisioned(in, shards, records, recordBytes),
                kinesisOnDemand(in, records, recordBytes),
                // One table is one slot is one connector task: past one task the rate is out of reach, not dearer.
                debeziumTasks > 1 ? Double.NaN : fargateTaskHour(in) * 730,
                kinesisProvisioned(in, debeziumShards, writesPerSecond, debeziumRecordBytes),
                kinesisOnDemand(in, writesPerSecond, debeziumRecordBytes));

        return new Row(writesPerSecond, messages, invocations, entitiesPerInvocation, consumerMs, consumerConcurrency,
                esmRampMinutes, sqsCalls, sqsBilled, drainConcurrency, statements, hookConcurrency, writersWaiting,
                writerHookVcpu, fifoSendCalls, fifoInvocations, records, shards, debeziumTasks, walsenderCores,
                debeziumShards, cost);
    }

    /** Billed 64 KiB chunks of one request carrying {@code bytes} of payload (at least one). */
    static double chunks(double bytes) {
        return Math.max(1, Math.ceil(bytes / SQS_BILLING_CHUNK_BYTES));
    }

    /** Provisioned shards: 1 MiB/s or 1,000 records/s each, whichever binds first. */
    static double shards(double recordsPerSecond, double bytesPerRecord) {
        return Math.max(Math.ceil(recordsPerSecond / KINESIS_SHARD_RECORDS_PER_SECOND),
                Math.ceil(recordsPerSecond * bytesPerRecord / KINESIS_SHARD_BYTES_PER_SECOND));
    }

    /** Monthly Lambda cost: requests plus GB-seconds of {@code concurrency} executions running all month. */
    static double lambda(Inputs in, double requestsPerSecond, double concurrency, double memoryMb, String arch) {
        double requests = requestsPerSecond * SECONDS_PER_MONTH / 1e6 * in.get("price.lambda-request-per-million");
        double gbSeconds = concurrency * (memoryMb / 1024) * SECONDS_PER_MONTH;
        return requests + gbSeconds * in.get("price.lambda-gb-second-" + arch);
    }

    static double kinesisProvisioned(Inputs in, double shards, double recordsPerSecond, double bytesPerRecord) {
        double putUnits = recordsPerSecond * Math.ceil(bytesPerRecord / KINESIS_PUT_UNIT_BYTES) * SECONDS_PER_MONTH;
        return shards * 730 * in.get("price.kinesis-shard-hour")
                + putUnits / 1e6 * in.get("price.kinesis-put-units-per-million");
    }

    /** On-demand: one stream, data in rounded up to 1 KB per record, data out (one reader) as written. */
    static double kinesisOnDemand(Inputs in, double recordsPerSecond, double bytesPerRecord) {
        double gbIn = recordsPerSecond * Math.ceil(bytesPerRecord / KINESIS_ON_DEMAND_ROUNDING_BYTES)
                * KINESIS_ON_DEMAND_ROUNDING_BYTES * SECONDS_PER_MONTH / (1024.0 * 1024 * 1024);
        double gbOut = recordsPerSecond * bytesPerRecord * SECONDS_PER_MONTH / (1024.0 * 1024 * 1024);
        return 730 * in.get("price.kinesis-on-demand-stream-hour") + gbIn * in.get("price.kinesis-on-demand-gb-in")
                + gbOut * in.get("price.kinesis-on-demand-gb-out");
    }

    static double fargateTaskHour(Inputs in) {
        return in.get("debezium.task-vcpu") * in.get("price.fargate-vcpu-hour")
                + in.get("debezium.task-memory-gb") * in.get("price.fargate-gb-hour");
    }

    /** The quota or limit that binds first at this row, in words; empty when none of the modelled ones does. */
    static List<String> binding(Inputs in, Row row) {
        List<String> limits = new ArrayList<>();
        if (row.consumerConcurrency() > in.get("quota.sqs-esm-max-concurrency")) {
            limits.add("consumer concurrency over one SQS event source mapping's " + format(in.get("quota.sqs-esm-max-concurrency"))
                    + ": split the table's keys over " + format(Math.ceil(row.consumerConcurrency() / in.get("quota.sqs-esm-max-concurrency"))) + " queues");
        }
        double lambdaTotal = row.consumerConcurrency() + Math.ceil(row.drainConcurrency());
        if (lambdaTotal > in.get("quota.lambda-account-concurrency")) {
            limits.add("account concurrency (default " + format(in.get("quota.lambda-account-concurrency")) + ") with the outbox: "
                    + format(lambdaTotal));
        }
        if (row.hookConcurrency() + row.consumerConcurrency() > in.get("quota.lambda-account-concurrency")) {
            limits.add("account concurrency with aws_lambda delivery: " + format(row.hookConcurrency() + row.consumerConcurrency()));
        }
        double kinesisSlots = row.kinesisShards() * in.get("kinesis.parallelization-factor");
        if (row.consumerConcurrency() > kinesisSlots) {
            limits.add("on Kinesis, the mapping runs at most shards x parallelization factor = " + format(kinesisSlots)
                    + " batches at once: raise the factor (max 10) to "
                    + format(Math.ceil(row.consumerConcurrency() / row.kinesisShards())));
        }
        if (row.fifoSendCallsPerSecond() > in.get("quota.fifo-ht-tps-per-action")) {
            limits.add("FIFO even in high throughput mode (" + format(row.fifoSendCallsPerSecond()) + " SendMessageBatch/s > "
                    + format(in.get("quota.fifo-ht-tps-per-action")) + ")");
        } else if (row.fifoSendCallsPerSecond() > in.get("quota.fifo-tps-per-action")
                || row.fifoConsumerInvocationsPerSecond() > in.get("quota.fifo-tps-per-action")) {
            limits.add("FIFO without high throughput mode (300 calls/s per action)");
        }
        if (row.debeziumTasksNeeded() > 1) {
            limits.add("Debezium: one slot, one task per database; one task takes about "
                    + format(in.get("debezium.max-changes-per-second-per-task")) + " changes/s");
        }
        if (row.walsenderCores() > 1) {
            limits.add("the slot's walsender (one process) would need " + format(row.walsenderCores()) + " cores");
        }
        return limits;
    }

    /** The whole page section: inputs, then one table per concern, in Markdown. */
    public static String markdown(Inputs in, double[] rates) {
        List<Row> rows = new ArrayList<>();
        for (double rate : rates) {
            rows.add(compute(in, rate));
        }
        StringBuilder out = new StringBuilder();
        out.append("### Inputs\n\n| input | value | unit | source |\n|---|---:|---|---|\n");
        for (Input input : in.all()) {
            out.append("| `").append(input.name()).append("` | ").append(plain(input.value())).append(" | ")
                    .append(input.unit()).append(" | ").append(input.source()).append(" |\n");
        }

        out.append("\n### Capacity (writes/s to one table)\n\n");
        header(out, rates);
        line(out, "SQS messages/s (standard, packed)", rows, Row::messagesPerSecond);
        line(out, "consumer invocations/s", rows, Row::consumerInvocationsPerSecond);
        line(out, "entities per invocation", rows, Row::consumerEntitiesPerInvocation);
        line(out, "consumer ms per invocation", rows, Row::consumerMillisPerInvocation);
        line(out, "consumer concurrency", rows, Row::consumerConcurrency);
        line(out, "event source mapping ramp from idle (min)", rows, Row::esmRampMinutes);
        line(out, "outbox drain concurrency", rows, Row::drainConcurrency);
        line(out, "aurora-hook invocations/s (aws_lambda)", rows, Row::hookInvocationsPerSecond);
        line(out, "aurora-hook concurrency (aws_lambda)", rows, Row::hookConcurrency);
        line(out, "writer connections waiting on Invoke (aws_lambda)", rows, Row::writerConnectionsWaitingOnInvoke);
        line(out, "writer vCPU spent in the outbox hook", rows, Row::writerHookVcpu);
        line(out, "SQS calls/s (send + receive + delete)", rows, Row::sqsCallsPerSecond);
        line(out, "SQS billed requests/s (64 KiB chunks)", rows, Row::sqsBilledRequestsPerSecond);
        line(out, "FIFO SendMessageBatch calls/s", rows, Row::fifoSendCallsPerSecond);
        line(out, "FIFO consumer invocations/s (batch <= 10)", rows, Row::fifoConsumerInvocationsPerSecond);
        line(out, "Kinesis records/s (wail)", rows, Row::kinesisRecordsPerSecond);
        line(out, "Kinesis shards (wail)", rows, Row::kinesisShards);
        line(out, "Debezium tasks one table would need (one is possible)", rows, Row::debeziumTasksNeeded);
        line(out, "Debezium walsender cores (one process per slot)", rows, Row::walsenderCores);
        line(out, "Kinesis shards (Debezium, one record per change)", rows, Row::debeziumKinesisShards);

        out.append("\n### Monthly cost, USD, us-east-1 list prices (no free tier, no savings plans)\n\n");
        header(out, rates);
        line(out, "consumer Lambda, x86", rows, r -> r.cost().consumerLambdaX86());
        line(out, "consumer Lambda, arm64", rows, r -> r.cost().consumerLambdaArm64());
        line(out, "outbox drain Lambda, x86", rows, r -> r.cost().drainLambdaX86());
        line(out, "aurora-hook Lambda, x86 (aws_lambda delivery instead)", rows, r -> r.cost().hookLambdaX86());
        line(out, "SQS standard", rows, r -> r.cost().sqsStandard());
        line(out, "SQS FIFO (unpacked)", rows, r -> r.cost().sqsFifo());
        line(out, "Kinesis provisioned (wail)", rows, r -> r.cost().kinesisProvisioned());
        line(out, "Kinesis on-demand (wail)", rows, r -> r.cost().kinesisOnDemand());
        line(out, "**wail: outbox + SQS standard + consumer, x86**", rows, r -> r.cost().wailOutboxSqsX86());
        line(out, "**wail: the same on arm64**", rows, r -> r.cost().wailOutboxSqsArm64());
        line(out, "**wail: outbox + Kinesis provisioned + consumer, x86**", rows, r -> r.cost().wailOutboxKinesisX86());
        line(out, "Debezium Server tasks on Fargate", rows, r -> r.cost().debeziumFargate());
        line(out, "Kinesis provisioned (Debezium)", rows, r -> r.cost().debeziumKinesisProvisioned());
        line(out, "Kinesis on-demand (Debezium)", rows, r -> r.cost().debeziumKinesisOnDemand());
        line(out, "**Debezium: Fargate + Kinesis provisioned (no sink writer)**", rows, r -> r.cost().debeziumToKinesis());

        out.append("\n### What binds\n\n");
        for (Row row : rows) {
            List<String> limits = binding(in, row);
            out.append("- ").append(format(row.writesPerSecond())).append(" writes/s: ")
                    .append(limits.isEmpty() ? "none of the modelled quotas" : String.join("; ", limits)).append('\n');
        }
        return out.toString();
    }

    private interface Column {
        double of(Row row);
    }

    private static void header(StringBuilder out, double[] rates) {
        out.append("| figure |");
        for (double rate : rates) {
            out.append(' ').append(format(rate)).append(" |");
        }
        out.append("\n|---|");
        out.append("---:|".repeat(rates.length));
        out.append('\n');
    }

    private static void line(StringBuilder out, String label, List<Row> rows, Column column) {
        out.append("| ").append(label).append(" |");
        for (Row row : rows) {
            out.append(' ').append(format(column.of(row))).append(" |");
        }
        out.append('\n');
    }

    /** An input as given: every digit, no exponent. */
    static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Thousands separated; two decimals below 10, one below 100, none above. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "out of reach";
        }
        double magnitude = Math.abs(value);
        if (magnitude != 0 && magnitude < 0.001) {
            return String.format(Locale.ROOT, "%.2g", value);
        }
        String pattern = magnitude < 10 ? "%,.2f" : magnitude < 100 ? "%,.1f" : "%,.0f";
        String text = String.format(Locale.ROOT, pattern, value);
        return text.contains(".") ? text.replaceAll("\\.?0+$", "") : text;
    }

    /**
     * Prints the model's Markdown for the rates of issue 18. Arguments {@code name=value} replace inputs (see
     * {@link #defaults()}); {@code rates=1000,5000} replaces the rates.
     */
    public static void main(String[] args) {
        Inputs in = defaults();
        double[] rates = RATES;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected name=value, e.g. consumer.ms-per-entity=0.2; got '" + arg + "'");
            }
            String name = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            if (name.equals("rates")) {
                rates = java.util.Arrays.stream(value.split(",")).mapToDouble(Double::parseDouble).toArray();
            } else {
                in = in.with(name, Double.parseDouble(value));
            }
        }
        System.out.print(markdown(in, rates));
    }
}
