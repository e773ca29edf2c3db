#!/usr/bin/env python3
"""Checks what localstack/init/ready.d created at an AWS-compatible endpoint (used by localstack/ci/check.sh).

  verify.py snapshot OUT.json       describe every queue, stream, table and customer KMS alias with the AWS CLI
  verify.py check SNAPSHOT          print them with their attributes; fail on a resource that is inconsistent
  verify.py same FIRST SECOND       fail unless two snapshots are equal apart from timestamps (idempotence)
  verify.py terraform SNAPSHOT PLAN.json...
                                    fail unless the snapshot holds exactly the queues, streams, tables and KMS keys of
                                    the Terraform plans (`terraform show -json`), with the same attributes
  verify.py self-test SNAPSHOT PLAN.json...
                                    break copies of a matching snapshot and plans in a dozen ways; fail unless
                                    `check` or `terraform` catches each one

The endpoint and region come from AWS_ENDPOINT_URL and AWS_DEFAULT_REGION. Python standard library only.
"""
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


class Mismatch(Exception):
    """A difference worth failing for; the message says what and where."""


# ---------------------------------------------------------------------------------------------------------------------
# snapshot: what the endpoint holds, as the AWS CLI describes it


def aws(*args):
    command = ["aws", "--endpoint-url", os.environ["AWS_ENDPOINT_URL"], "--region", os.environ["AWS_DEFAULT_REGION"],
               "--output", "json", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Mismatch(f"aws {' '.join(args)} failed (exit {done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout) if done.stdout.strip() else {}


def in_parallel(calls):
    """Runs (key, function, args) triples on 4 threads (each call is a CLI process); returns {key: result}."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: pool.submit(function, *args) for key, function, args in calls}
        return {key: future.result() for key, future in futures.items()}


def describe_queue(url):
    return aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]


def describe_stream(name):
    return aws("kinesis", "describe-stream-summary", "--stream-name", name)["StreamDescriptionSummary"]


def describe_table(name):
    table = aws("dynamodb", "describe-table", "--table-name", name)["Table"]
    backups = aws("dynamodb", "describe-continuous-backups", "--table-name", name)["ContinuousBackupsDescription"]
    table["PointInTimeRecoveryStatus"] = backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
    return table


def describe_key(key_id):
    key = aws("kms", "describe-key", "--key-id", key_id)["KeyMetadata"]
    key["KeyRotationEnabled"] = aws("kms", "get-key-rotation-status", "--key-id", key_id)["KeyRotationEnabled"]
    return key


def snapshot(out_path):
    lists = in_parallel([
        ("queues", aws, ("sqs", "list-queues")),
        ("streams", aws, ("kinesis", "list-streams")),
        ("tables", aws, ("dynamodb", "list-tables")),
        ("aliases", aws, ("kms", "list-aliases")),
        ("keys", aws, ("kms", "list-keys")),
    ])
    # Aliases under alias/aws/ belong to the emulator's AWS managed keys, not to the scripts.
    aliases = {a["AliasName"]: a["TargetKeyId"] for a in lists["aliases"].get("Aliases", [])
               if not a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a}
    details = in_parallel(
        [(("queues", url.rsplit("/", 1)[1]), describe_queue, (url,)) for url in lists["queues"].get("QueueUrls", [])]
        + [(("streams", name), describe_stream, (name,)) for name in lists["streams"].get("StreamNames", [])]
        + [(("tables", name), describe_table, (name,)) for name in lists["tables"].get("TableNames", [])]
        + [(("aliases", alias), describe_key, (key,)) for alias, key in aliases.items()])
    state = {"queues": {}, "streams": {}, "tables": {}, "aliases": {}, "key_count": len(lists["keys"].get("Keys", []))}
    for (kind, name), description in details.items():
        state[kind][name] = description
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(state, out, indent=1, sort_keys=True)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------------------------------
# live attributes in one vocabulary, shared by `check` and `terraform`


def is_true(value):
    return str(value).lower() == "true"


def redrive(queue):
    """(target queue name, maxReceiveCount) of a queue's RedrivePolicy, or None."""
    if "RedrivePolicy" not in queue:
        return None
    policy = json.loads(queue["RedrivePolicy"])
    return policy["deadLetterTargetArn"].rsplit(":", 1)[1], int(policy["maxReceiveCount"])


def stream_mode(stream):
    return stream.get("StreamModeDetails", {}).get("StreamMode", "PROVISIONED")


def key_schema(table):
    return {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}


def table_stream(table):
    spec = table.get("StreamSpecification") or {}
    return spec.get("StreamViewType") if spec.get("StreamEnabled") else None


def table_sse(table):
    return (table.get("SSEDescription") or {}).get("Status") == "ENABLED"


def billing_mode(table):
    return (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")


def alias_of_key(state, key_id_or_arn):
    """The customer alias naming a key given by id or ARN, or None."""
    for alias, key in state["aliases"].items():
        if key_id_or_arn in (key["KeyId"], key["Arn"]):
            return alias
    return None


# ---------------------------------------------------------------------------------------------------------------------
# check: every resource printed with its attributes, and consistent on its own


def check_queue(state, name, queue):
    fifo = is_true(queue.get("FifoQueue"))
    if fifo != name.endswith(".fifo"):
        raise Mismatch(f"queue {name}: FifoQueue={fifo} but its name {'does not end' if fifo else 'ends'} in .fifo")
    if not is_true(queue.get("SqsManagedSseEnabled")) and "KmsMasterKeyId" not in queue:
        raise Mismatch(f"queue {name}: no server-side encryption")
    line = (f"queue {name}: FifoQueue={fifo} VisibilityTimeout={queue['VisibilityTimeout']} "
            f"MessageRetentionPeriod={queue['MessageRetentionPeriod']} SSE-SQS={queue.get('SqsManagedSseEnabled')}")
    target = redrive(queue)
    if target:
        dlq, max_receive_count = target
        if dlq not in state["queues"]:
            raise Mismatch(f"queue {name}: its RedrivePolicy names {dlq}, which does not exist")
        if is_true(state["queues"][dlq].get("FifoQueue")) != fifo:
            raise Mismatch(f"queue {name}: its dead-letter queue {dlq} is not of the same type (FIFO or standard)")
        if not 1 <= max_receive_count <= 1000:
            raise Mismatch(f"queue {name}: maxReceiveCount {max_receive_count} is outside 1..1000")
        line += f" RedrivePolicy: to {dlq} after maxReceiveCount={max_receive_count}"
    return line


def check_stream(state, name, stream):
    if stream["StreamStatus"] != "ACTIVE" or stream.get("OpenShardCount", 0) < 1:
        raise Mismatch(f"stream {name}: {stream['StreamStatus']} with {stream.get('OpenShardCount')} open shards")
    if stream.get("EncryptionType") == "KMS" and alias_of_key(state, stream["KeyId"]) is None:
        raise Mismatch(f"stream {name}: encrypted with {stream['KeyId']}, which no customer alias names")
    return (f"stream {name}: {stream_mode(stream)}, OpenShardCount={stream['OpenShardCount']}, "
            f"RetentionPeriodHours={stream['RetentionPeriodHours']}, EncryptionType={stream.get('EncryptionType')} "
            f"key {alias_of_key(state, stream.get('KeyId', ''))}")


def check_table(name, table):
    keys = key_schema(table)
    if table["TableStatus"] != "ACTIVE" or "HASH" not in keys:
        raise Mismatch(f"table {name}: {table['TableStatus']}, key schema {keys}")
    if table_stream(table) and not table.get("LatestStreamArn"):
        raise Mismatch(f"table {name}: stream enabled but no LatestStreamArn")
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    if not set(keys.values()) <= set(types):
        raise Mismatch(f"table {name}: key attributes {sorted(keys.values())} but definitions of {sorted(types)}")
    return (f"table {name}: key {', '.join(f'{n} ({types[n]}) {t}' for t, n in sorted(keys.items()))}, "
            f"stream {table_stream(table)}, {billing_mode(table)}, SSE={table_sse(table)}, "
            f"point-in-time recovery {table['PointInTimeRecoveryStatus']}")


def check(state):
    lines = [check_queue(state, n, q) for n, q in sorted(state["queues"].items())]
    lines += [check_stream(state, n, s) for n, s in sorted(state["streams"].items())]
    lines += [check_table(n, t) for n, t in sorted(state["tables"].items())]
    lines += [f"KMS {alias}: {k['KeyId']} {k.get('KeyUsage')} enabled={k['Enabled']} rotation={k['KeyRotationEnabled']}"
              for alias, k in sorted(state["aliases"].items())]
    if not (any(redrive(q) for q in state["queues"].values()) and state["streams"] and state["tables"]):
        raise Mismatch("expected at least a queue with a dead-letter queue, a stream and a table; found: "
                       f"{sorted(state['queues'])}, {sorted(state['streams'])}, {sorted(state['tables'])}")
    return lines


# ---------------------------------------------------------------------------------------------------------------------
# same: idempotence, two snapshots equal apart from what changes by itself

VOLATILE = {"CreatedTimestamp", "LastModifiedTimestamp", "StreamCreationTimestamp", "CreationDateTime",
            "EarliestRestorableDateTime", "LatestRestorableDateTime", "CreationDate"}


def without_volatile(value):
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items()
                if k not in VOLATILE and not k.startswith("ApproximateNumberOf")}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def differences(first, second, path=""):
    if isinstance(first, dict) and isinstance(second, dict):
        for key in sorted(set(first) | set(second)):
            yield from differences(first.get(key), second.get(key), f"{path}/{key}")
    elif first != second:
        yield f"{path}: {json.dumps(first)} then {json.dumps(second)}"


def same(first, second):
    found = list(differences(without_volatile(first), without_volatile(second)))
    if found:
        raise Mismatch("the second run left a different state:\n  " + "\n  ".join(found))


# ---------------------------------------------------------------------------------------------------------------------
# terraform: the snapshot against the plans of the examples

# Resource types of the examples that the scripts deliberately do not create, and why.
NOT_MIRRORED = {
    "aws_lambda_function": "the local pipeline runs the handlers in its own process",
    "aws_lambda_event_source_mapping": "the local pipeline plays Lambda's event source mappings itself",
    "aws_lambda_function_event_invoke_config": "no function is deployed locally",
    "aws_lambda_permission": "no function is deployed locally",
    "aws_lambda_alias": "no function is deployed locally",
    "aws_iam_role": "LocalStack does not enforce IAM by default",
    "aws_iam_role_policy": "LocalStack does not enforce IAM by default",
    "aws_cloudwatch_log_group": "the local pipeline logs to its terminal",
    "aws_cloudwatch_metric_alarm": "monitoring of a deployment",
    "aws_cloudwatch_dashboard": "monitoring of a deployment",
    "aws_cloudwatch_event_rule": "the outbox drain schedule: the local pipeline drains by itself",
    "aws_cloudwatch_event_target": "the outbox drain schedule: the local pipeline drains by itself",
    "aws_rds_cluster_role_association": "attaches a role to a real Aurora cluster",
    "aws_sns_topic": "the alarm topic: monitoring of a deployment",
    "aws_sns_topic_subscription": "the alarm topic's subscribers: monitoring of a deployment",
}

# Resources, by address within their module, of a type the scripts do mirror, that they deliberately leave out.
NOT_MIRRORED_ADDRESSES = {
    "aws_kms_key.alarms": "encrypts the alarm topic: monitoring of a deployment",
}

# Planned attributes a type's comparison does not look at, and why; any other attribute with a value must be compared.
IGNORED = {
    "tags": "labels, no behaviour", "tags_all": "labels, no behaviour", "timeouts": "Terraform's own waiting",
    "name": "the resources are matched by name",
    "enforce_consumer_deletion": "applies when Terraform deletes the stream",
    "deletion_window_in_days": "applies when the key is deleted",
    "bypass_policy_lockout_safety_check": "a flag of the CreateKey call, not a property of the key",
    "kms_data_key_reuse_period_seconds": "compared only with a customer key (SSE-SQS has none)",
}


def planned_resources(plan):
    def walk(module):
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)

    unknown = {c["address"]: c["change"].get("after_unknown", {}) for c in plan.get("resource_changes", [])}
    for resource in walk(plan["planned_values"]["root_module"]):
        if resource["mode"] == "managed":
            yield resource, unknown.get(resource["address"], {})


def module_prefix(address):
    """'module.wail.aws_sqs_queue.intents[0]' -> 'module.wail.'"""
    return address[:len(address) - len(re.sub(r"^(module\.[^.]+\.)*", "", address))]


def configuration(plan, address):
    """The configuration block of a planned resource (its expressions, with what they refer to)."""
    module = plan["configuration"]["root_module"]
    for name in re.findall(r"module\.([^.\[]+)", module_prefix(address)):
        module = module["module_calls"][name]["module"]
    local = re.sub(r"\[[^]]*\]$", "", address[len(module_prefix(address)):])
    return next(r for r in module["resources"] if r["address"] == local)


def configured(plan, address, attribute):
    return attribute in configuration(plan, address)["expressions"]


def referenced_resource(plan, address, attribute, resource_type):
    """The planned address of the resource_type that an attribute's expression refers to (from the configuration)."""
    for reference in configuration(plan, address)["expressions"].get(attribute, {}).get("references", []):
        if re.fullmatch(rf"{resource_type}\.[\w-]+", reference):
            return module_prefix(address) + reference
    raise Mismatch(f"{address}: its {attribute} refers to no {resource_type}; extend localstack/ci/verify.py")


def planned_max_receive_count(plan, prefix):
    """The consumer's WAIL_CONSUMER_MAX_RECEIVE_COUNT, which infra/log.tf sets from the same input as the redrive."""
    values = {r["values"]["environment"][0]["variables"]["WAIL_CONSUMER_MAX_RECEIVE_COUNT"]
              for r, _ in planned_resources(plan) if r["address"].startswith(prefix)
              and r["type"] == "aws_lambda_function" and r["values"].get("environment")
              and "WAIL_CONSUMER_MAX_RECEIVE_COUNT" in r["values"]["environment"][0].get("variables", {})}
    if not values:
        # The consumer's environment also holds the DLQ's URL, unknown until apply, so the whole environment can be
        # unknown in a plan: then read the example's own max_receive_count from its configuration.
        configured_value = configured_max_receive_count(plan, prefix)
        if configured_value is not None:
            return configured_value
    if len(values) != 1:
        raise Mismatch(f"{prefix}: expected one WAIL_CONSUMER_MAX_RECEIVE_COUNT in the plan, found {sorted(values)}")
    return int(values.pop())


def configured_max_receive_count(plan, prefix):
    """intent_log.sqs.max_receive_count as the example's module call writes it (a constant), or None."""
    call = prefix.split(".")[1] if prefix.startswith("module.") else None
    expression = (plan.get("configuration", {}).get("root_module", {}).get("module_calls", {}).get(call, {})
                  .get("expressions", {}).get("intent_log", {}))
    value = (expression.get("constant_value") or {}).get("sqs", {}).get("max_receive_count")
    return None if value is None else int(value)


def set_max_receive_count(plans, value):
    """Changes the SQS example's max_receive_count where its plan holds it (self-test)."""
    for plan in plans.values():
        if configured_max_receive_count(plan, "module.wail.") is None:
            continue
        for resource, _ in planned_resources(plan):
            variables = ((resource["values"].get("environment") or [{}])[0] or {}).get("variables") or {}
            if "WAIL_CONSUMER_MAX_RECEIVE_COUNT" in variables:
                variables["WAIL_CONSUMER_MAX_RECEIVE_COUNT"] = value
        plan["configuration"]["root_module"]["module_calls"]["wail"]["expressions"]["intent_log"][
            "constant_value"]["sqs"]["max_receive_count"] = int(value)


class Comparison:
    """One planned resource against its live twin: each compared attribute is ticked off; the rest must be empty."""

    def __init__(self, example, resource, unknown):
        self.example, self.address, self.values, self.unknown = example, resource["address"], resource["values"], unknown
        self.name = resource["values"].get("name")
        self.compared = set(IGNORED)
        self.seen = []

    def expect(self, attribute, planned, live, label=None):
        self.compared.add(attribute)
        if planned != live:
            raise Mismatch(f"{label or attribute} is {live!r} at the endpoint but {planned!r} in "
                           f"infra/examples/{self.example} ({self.address}): update localstack/init/ready.d")
        self.seen.append(f"{label or attribute}={live}")

    def finish(self):
        left = {k: v for k, v in self.values.items() if k not in self.compared and v not in (None, [], {}, False, "")}
        if left:
            raise Mismatch(f"{self.address} in infra/examples/{self.example} sets {left}, which the LocalStack scripts "
                           "do not mirror: mirror it in localstack/init/ready.d and compare it in localstack/ci/verify.py")
        return f"ok {self.example} {self.address} = {self.name}: {' '.join(self.seen)}"


def compare_queue(plan, state, c):
    queue = state["queues"][c.values["name"]]
    v = c.values
    c.expect("fifo_queue", v["fifo_queue"], is_true(queue.get("FifoQueue")), "FifoQueue")
    for attribute, live_name in (("delay_seconds", "DelaySeconds"), ("max_message_size", "MaximumMessageSize"),
                                 ("message_retention_seconds", "MessageRetentionPeriod"),
                                 ("receive_wait_time_seconds", "ReceiveMessageWaitTimeSeconds"),
                                 ("visibility_timeout_seconds", "VisibilityTimeout")):
        c.expect(attribute, v[attribute], int(queue[live_name]), live_name)
    c.expect("content_based_deduplication", v["content_based_deduplication"],
             is_true(queue.get("ContentBasedDeduplication")), "ContentBasedDeduplication")
    c.expect("sqs_managed_sse_enabled", bool(v["sqs_managed_sse_enabled"]), is_true(queue.get("SqsManagedSseEnabled")),
             "SqsManagedSseEnabled")
    c.expect("kms_master_key_id", v.get("kms_master_key_id"), queue.get("KmsMasterKeyId"), "KmsMasterKeyId")
    if v.get("kms_master_key_id"):
        c.expect("kms_data_key_reuse_period_seconds", v["kms_data_key_reuse_period_seconds"],
                 int(queue["KmsDataKeyReusePeriodSeconds"]), "KmsDataKeyReusePeriodSeconds")
    c.expect("redrive_policy", planned_redrive(plan, c), redrive(queue), "RedrivePolicy(target, maxReceiveCount)")


def planned_redrive(plan, c):
    if c.unknown.get("redrive_policy") and configured(plan, c.address, "redrive_policy"):  # the DLQ's ARN is unknown
        dlq = referenced_resource(plan, c.address, "redrive_policy", "aws_sqs_queue")
        dlq_name = next(r["values"]["name"] for r, _ in planned_resources(plan) if r["address"].startswith(dlq))
        return dlq_name, planned_max_receive_count(plan, module_prefix(c.address))
    if c.values.get("redrive_policy"):
        policy = json.loads(c.values["redrive_policy"])
        return policy["deadLetterTargetArn"].rsplit(":", 1)[1], int(policy["maxReceiveCount"])
    return None


def compare_stream(plan, state, c):
    stream = state["streams"][c.values["name"]]
    v = c.values
    c.expect("retention_period", v["retention_period"], stream["RetentionPeriodHours"], "RetentionPeriodHours")
    c.expect("stream_mode_details", v["stream_mode_details"][0]["stream_mode"], stream_mode(stream), "StreamMode")
    if v.get("shard_count") is not None:
        c.expect("shard_count", v["shard_count"], stream["OpenShardCount"], "OpenShardCount")
    c.expect("shard_level_metrics", sorted(v.get("shard_level_metrics") or []),
             sorted(stream.get("EnhancedMonitoring", [{}])[0].get("ShardLevelMetrics", [])), "ShardLevelMetrics")
    c.expect("encryption_type", v["encryption_type"], stream.get("EncryptionType", "NONE"), "EncryptionType")
    if c.unknown.get("kms_key_id"):  # the module's own key: its alias must name the key the stream uses
        aliases = [r["values"]["name"] for r, _ in planned_resources(plan)
                   if r["type"] == "aws_kms_alias" and r["address"].startswith(module_prefix(c.address))]
        c.expect("kms_key_id", True, alias_of_key(state, stream.get("KeyId", "")) in aliases,
                 f"KeyId behind one of {aliases}")
    elif v.get("kms_key_id"):
        c.expect("kms_key_id", v["kms_key_id"], stream.get("KeyId"), "KeyId")


def compare_table(plan, state, c):
    table = state["tables"][c.values["name"]]
    v = c.values
    keys = key_schema(table)
    c.expect("hash_key", v["hash_key"], keys.get("HASH"), "HASH key")
    c.expect("range_key", v.get("range_key"), keys.get("RANGE"), "RANGE key")
    c.expect("attribute", sorted((a["name"], a["type"]) for a in v["attribute"]),
             sorted((a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]), "attributes")
    c.expect("billing_mode", v["billing_mode"], billing_mode(table), "BillingMode")
    c.expect("stream_enabled", v["stream_enabled"], table_stream(table) is not None, "StreamEnabled")
    c.expect("stream_view_type", v.get("stream_view_type") or None, table_stream(table), "StreamViewType")
    c.expect("point_in_time_recovery", any(p["enabled"] for p in v["point_in_time_recovery"]),
             table["PointInTimeRecoveryStatus"] == "ENABLED", "PointInTimeRecovery")
    c.expect("server_side_encryption", any(s["enabled"] for s in v["server_side_encryption"]), table_sse(table), "SSE")
    for attribute, live_name in (("global_secondary_index", "GlobalSecondaryIndexes"),
                                 ("local_secondary_index", "LocalSecondaryIndexes")):
        c.expect(attribute, sorted(i["name"] for i in v[attribute]),
                 sorted(i["IndexName"] for i in table.get(live_name) or []), live_name)
    c.expect("deletion_protection_enabled", bool(v.get("deletion_protection_enabled")),
             bool(table.get("DeletionProtectionEnabled")), "DeletionProtectionEnabled")
    c.expect("table_class", v.get("table_class") or "STANDARD",
             (table.get("TableClassSummary") or {}).get("TableClass", "STANDARD"), "TableClass")


def compare_kms_alias(plan, state, c):
    """An alias only has to exist: the key behind it is compared with the planned key by compare_kms_key."""
    c.expect("name", True, c.name in state["aliases"], "exists")


def compare_kms_key(plan, state, c):
    """A key has no name to match by: it is found through the planned alias that targets it."""
    aliases = [r["values"]["name"] for r, _ in planned_resources(plan) if r["type"] == "aws_kms_alias"
               and referenced_resource(plan, r["address"], "target_key_id", "aws_kms_key") == c.address.split("[")[0]]
    if not aliases or aliases[0] not in state["aliases"]:
        raise Mismatch(f"{c.address} in infra/examples/{c.example}: no key behind alias {aliases} at the endpoint "
                       "(the scripts create keys behind the alias the module gives them)")
    c.name = f"the key behind {aliases[0]}"
    key = state["aliases"][aliases[0]]
    v = c.values
    c.expect("description", v["description"], key["Description"], "Description")
    c.expect("key_usage", v["key_usage"], key.get("KeyUsage"), "KeyUsage")
    c.expect("customer_master_key_spec", v["customer_master_key_spec"], key.get("KeySpec"), "KeySpec")
    c.expect("is_enabled", v["is_enabled"], key["Enabled"], "Enabled")
    c.expect("enable_key_rotation", v["enable_key_rotation"], key["KeyRotationEnabled"], "KeyRotationEnabled")


COMPARE = {"aws_sqs_queue": (compare_queue, "queues"), "aws_kinesis_stream": (compare_stream, "streams"),
           "aws_dynamodb_table": (compare_table, "tables"), "aws_kms_alias": (compare_kms_alias, "aliases"),
           "aws_kms_key": (compare_kms_key, None)}


def compare_plan(example, plan, state, matched):
    lines = []
    for resource, unknown in planned_resources(plan):
        kind = resource["type"]
        if kind in NOT_MIRRORED:
            continue
        if re.sub(r"\[[^]]*\]$", "", resource["address"][len(module_prefix(resource["address"])):]) in NOT_MIRRORED_ADDRESSES:
            continue
        if kind not in COMPARE:
            raise Mismatch(f"{resource['address']} in infra/examples/{example} is a {kind}, which the LocalStack "
                           "scripts neither mirror nor knowingly leave out: decide, then update localstack/ready.d "
                           "and NOT_MIRRORED or COMPARE in localstack/ci/verify.py")
        compare, collection = COMPARE[kind]
        comparison = Comparison(example, resource, unknown)
        if collection and resource["values"]["name"] not in state[collection]:
            raise Mismatch(f"{resource['address']} of infra/examples/{example} ({resource['values']['name']}) "
                           f"does not exist at the endpoint: create it in localstack/init/ready.d")
        compare(plan, state, comparison)
        lines.append(comparison.finish())
        if collection:
            matched.add((collection, resource["values"]["name"]))
    return lines


# ---------------------------------------------------------------------------------------------------------------------
# self-test: the checks above must catch each of these breakages


def planned(plans, address):
    """The values of a planned resource, found in any of the plans."""
    for plan in plans.values():
        for resource, _ in planned_resources(plan):
            if resource["address"] == address:
                return resource["values"]
    raise KeyError(address)


def add_planned_resource(plans, kind, values):
    next(iter(plans.values()))["planned_values"]["root_module"].setdefault("resources", []).append(
        {"address": f"{kind}.extra", "mode": "managed", "type": kind, "name": "extra", "values": values})


INTENTS, STREAM = "module.wail.aws_sqs_queue.intents[0]", "module.wail.aws_kinesis_stream.intents[0]"

# (what is broken, where the check must say so, how to break a copy of the snapshot s and of the plans p)
BREAKAGES = [
    ("visibility timeout", "VisibilityTimeout is 1 at the endpoint",
     lambda s, p: s["queues"]["wail-shop-intents.fifo"].update(VisibilityTimeout="1")),
    ("no redrive at all", "expected at least a queue with a dead-letter queue",
     lambda s, p: s["queues"]["wail-shop-intents.fifo"].pop("RedrivePolicy")),
    ("max receive count", "RedrivePolicy(target, maxReceiveCount) is ('wail-shop-intents-dlq.fifo', 5) at the endpoint",
     lambda s, p: s["queues"]["wail-shop-intents.fifo"].update(RedrivePolicy=s["queues"]["wail-shop-intents.fifo"]
                                                              ["RedrivePolicy"].replace('": 10', '": 5'))),
    ("redrive to a missing queue", "which does not exist",
     lambda s, p: s["queues"].pop("wail-shop-intents-dlq.fifo")),
    ("FIFO flag", "FifoQueue=False but its name ends in .fifo",
     lambda s, p: s["queues"]["wail-shop-intents.fifo"].update(FifoQueue="false")),
    ("queue missing", "(wail-crm-failures) does not exist at the endpoint",
     lambda s, p: s["queues"].pop("wail-crm-failures")),
    ("extra queue", "in no Terraform example: queue surplus",
     lambda s, p: s["queues"].update(surplus=s["queues"]["wail-crm-failures"])),
    ("stream mode", "StreamMode is 'PROVISIONED' at the endpoint",
     lambda s, p: s["streams"]["wail-crm-intents"].update(StreamModeDetails={"StreamMode": "PROVISIONED"})),
    ("stream retention in the example", "RetentionPeriodHours is 24 at the endpoint but 48",
     lambda s, p: planned(p, STREAM).update(retention_period=48)),
    ("table key", "HASH key is 'customer_id' at the endpoint",
     lambda s, p: s["tables"]["customers"].update(KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
                                                  AttributeDefinitions=[{"AttributeName": "customer_id",
                                                                         "AttributeType": "S"}])),
    ("key attribute undefined", "key attributes ['customer_id'] but definitions of ['id']",
     lambda s, p: s["tables"]["customers"].update(KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}])),
    ("stream view type", "StreamViewType is 'NEW_IMAGE' at the endpoint",
     lambda s, p: s["tables"]["customers"]["StreamSpecification"].update(StreamViewType="NEW_IMAGE")),
    ("point-in-time recovery", "PointInTimeRecovery is False at the endpoint",
     lambda s, p: s["tables"]["customers"].update(PointInTimeRecoveryStatus="DISABLED")),
    ("key rotation", "KeyRotationEnabled is False at the endpoint",
     lambda s, p: s["aliases"]["alias/wail-crm-intents"].update(KeyRotationEnabled=False)),
    ("max receive count in the example", "but ('wail-shop-intents-dlq.fifo', 3)",
     lambda s, p: set_max_receive_count(p, "3")),
    ("an attribute the scripts ignore", "which the LocalStack scripts do not mirror",
     lambda s, p: planned(p, INTENTS).update(policy='{"Statement": []}')),
    ("a resource type nobody decided on", "is a aws_s3_bucket, which the LocalStack scripts neither mirror",
     lambda s, p: add_planned_resource(p, "aws_s3_bucket", {"name": "extra"})),
]


def self_test(state, plans):
    terraform_with(state, plans)  # the unbroken pair must pass
    for what, message, breakage in BREAKAGES:
        broken_state, broken_plans = json.loads(json.dumps(state)), json.loads(json.dumps(plans))
        breakage(broken_state, broken_plans)
        try:
            check(broken_state)
            terraform_with(broken_state, broken_plans)
        except Mismatch as caught:
            if message not in str(caught):
                raise Mismatch(f"self-test: {what}: caught, but with '{caught}' instead of '{message}'") from caught
            print(f"caught: {what}")
            continue
        raise Mismatch(f"self-test: {what} was not caught")


def terraform_with(state, plans):
    matched, lines = set(), []
    for example, plan in plans.items():
        lines += compare_plan(example, plan, state, matched)
    extra = sorted(f"{kind[:-1]} {name}" for kind in ("queues", "streams", "tables", "aliases")
                   for name in state[kind] if (kind, name) not in matched)
    if extra:
        raise Mismatch(f"created by the scripts but in no Terraform example: {', '.join(extra)}")
    return lines


def load_plans(paths):
    return {os.path.basename(path).removesuffix(".plan.json"): load(path) for path in paths}


def main(argv):
    command, args = argv[1], argv[2:]
    try:
        if command == "snapshot":
            snapshot(args[0])
        elif command == "check":
            print("\n".join(check(load(args[0]))))
        elif command == "same":
            same(load(args[0]), load(args[1]))
            print("the second run left the same state (timestamps aside)")
        elif command == "terraform":
            print("\n".join(terraform_with(load(args[0]), load_plans(args[1:]))))
        elif command == "self-test":
            self_test(load(args[0]), load_plans(args[1:]))
        else:
            raise SystemExit(__doc__)
    except Mismatch as mismatch:
        print(f"FAILED: {mismatch}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
