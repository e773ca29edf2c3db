#!/usr/bin/env python3
"""Policy test over `terraform show -json <plan>` (standard library only).

Checks, on every resource the plan holds (root and child modules):
  iam        no '*' in an action, no NotAction/NotResource, no '*' principal; a '*' resource only for actions in
             UNSCOPED_ACTIONS (AWS offers no resource-level permission for them), and every such use in the .tf
             sources carries a 'wildcard-allowed:' comment just above it; no '*' anywhere else in an ARN but at the
             end of its resource part after a concrete prefix (never in its service, region or account); no managed
             policy attached (AdministratorAccess or any other); every Lambda permission for a service names its
             source_arn
  encryption every SQS queue uses SSE (SQS-managed or KMS); every Kinesis stream uses KMS; every SNS topic uses KMS;
             KMS keys rotate
  failures   every queue that is not itself a DLQ or failure destination redrives to a DLQ; every event source
             mapping reports batch item failures and has a DLQ (SQS source) or an on-failure destination (streams);
             every asynchronous invoke config has an on-failure destination
  alarms     every alarm notifies someone (alarm_actions and ok_actions name an SNS topic); an alarm for every
             queue, every Kinesis stream, and the Errors, Throttles and Duration of every function (IteratorAge too
             when a stream triggers it, DestinationDeliveryFailures when it has an on-failure destination,
             AsyncEventsDropped when it is invoked asynchronously); every producer function alarms on its own
             wail/Refused metric (refused input never reaches a queue, so no queue alarm would see it), the consumer
             on wail/ConfigurationMismatch (a table's configuration no longer fits its source) and
             wail/SourceHistoryChanged; every table with a freshness alarm also alarms on wail/AppendFailed
  tags       every resource of a taggable type (its planned values hold 'tags') carries tags
  functions  java21 with the Quarkus stream handler (or provided.al2023, the native bootstrap), QUARKUS_LAMBDA_HANDLER
             set, no password in the environment, a log group with retention; a consumer on SQS has WAIL_CONSUMER_MAX_RECEIVE_COUNT equal to the redrive's
             maxReceiveCount and WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL the URL of the redrive's target

Values the plan does not know yet are reported as violations (run it on a plan made after apply, where all are known).
`--self-test` additionally breaks a copy of each plan in known ways and fails unless each break is caught.
"""
import copy
import json
import pathlib
import re
import sys

# The producer artifact's handlers: input they refuse is counted in wail/Refused, dimension Function.
PRODUCER_HANDLERS = {"outbox-drain", "aurora-hook", "dynamodb-stream"}
CONSUMER_HANDLERS = {"consumer-sqs", "consumer-kinesis"}

# Actions AWS authorises only on '*' (no resource-level permission), with the reason.
UNSCOPED_ACTIONS = {
    "ec2:DescribeNetworkInterfaces": "Describe* actions support no resource-level permission (Lambda VPC access)",
    "ec2:DescribeSubnets": "Describe* actions support no resource-level permission (Lambda VPC access)",
    "dynamodb:ListStreams": "ListStreams supports no resource-level permission (DynamoDB stream mapping)",
    "xray:PutTraceSegments": "X-Ray writes support no resource-level permission (tracing_mode Active)",
    "xray:PutTelemetryRecords": "X-Ray writes support no resource-level permission (tracing_mode Active)",
}
POLICY_ATTRIBUTES = {"aws_iam_role_policy": ["policy"], "aws_iam_policy": ["policy"], "aws_iam_role": ["assume_role_policy"]}
QUARKUS_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
# (runtime, handler) of the two packagings: the JVM zip, and the native zip whose bootstrap ignores the handler.
RUNTIMES = {("java21", QUARKUS_HANDLER), ("provided.al2023", "not.used.in.provided.runtime")}


def resources(plan):
    """Every resource in planned_values, depth first."""
    stack = [plan.get("planned_values", {}).get("root_module", {})]
    while stack:
        module = stack.pop()
        yield from module.get("resources", [])
        stack.extend(module.get("child_modules", []))


def by_type(plan, kind):
    return [r for r in resources(plan) if r.get("type") == kind and r.get("mode") == "managed"]


def as_list(value):
    return value if isinstance(value, list) else [value]


def check_iam(plan, violations):
    for kind, attributes in POLICY_ATTRIBUTES.items():
        for r in by_type(plan, kind):
            for attribute in attributes:
                text = r["values"].get(attribute)
                if not text:
                    violations.append(f"iam: {r['address']}.{attribute} is unknown or empty")
                    continue
                for st in as_list(json.loads(text).get("Statement", [])):
                    check_statement(r["address"], st, violations)


def check_statement(address, st, violations):
    if st.get("Effect") != "Allow":
        return
    for key in ("NotAction", "NotResource"):
        if key in st:
            violations.append(f"iam: {address} uses {key}")
    principal = st.get("Principal")
    if principal == "*" or (isinstance(principal, dict) and "*" in json.dumps(principal)):
        violations.append(f"iam: {address} allows principal '*'")
    actions = as_list(st.get("Action", []))
    for action in actions:
        if "*" in action:
            violations.append(f"iam: {address} allows wildcard action {action}")
    if "*" in as_list(st.get("Resource", [])):
        unscoped = [a for a in actions if a not in UNSCOPED_ACTIONS]
        if unscoped:
            violations.append(f"iam: {address} allows resource '*' for scopable actions {sorted(unscoped)}")
    for resource in as_list(st.get("Resource", [])):
        if resource != "*" and "*" in resource and not scoped_wildcard(resource):
            violations.append(f"iam: {address} allows wildcard ARN {resource}")


def scoped_wildcard(arn):
    """A '*' only inside the resource part, after a concrete prefix (log-group:/aws/lambda/f:*, network-interface/*);
    never in the partition, service, region or account, and never a resource part that starts with '*'."""
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and not any("*" in p for p in parts[1:5]) \
        and not parts[5].startswith("*")


# Managed policies the module may attach: none (every role has one inline policy of named actions on ARNs).
ALLOWED_MANAGED_POLICIES = set()


def check_managed_policies(plan, violations):
    for kind in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment",
                 "aws_iam_group_policy_attachment", "aws_iam_role_policy_attachments_exclusive"):
        for r in by_type(plan, kind):
            arns = as_list(r["values"].get("policy_arn") or r["values"].get("policy_arns") or [])
            for arn in arns:
                if arn not in ALLOWED_MANAGED_POLICIES:
                    violations.append(f"iam: {r['address']} attaches the managed policy {arn}")
    for r in by_type(plan, "aws_iam_role"):
        for arn in r["values"].get("managed_policy_arns") or []:
            if arn not in ALLOWED_MANAGED_POLICIES:
                violations.append(f"iam: {r['address']} attaches the managed policy {arn}")


def check_lambda_permissions(plan, violations):
    """A service may invoke a function only from the resource named in source_arn (else any account's rule could)."""
    for r in by_type(plan, "aws_lambda_permission"):
        v = r["values"]
        if str(v.get("principal", "")).endswith(".amazonaws.com") and not v.get("source_arn"):
            violations.append(f"iam: {r['address']} lets {v.get('principal')} invoke {v.get('function_name')} without a source_arn")
        if v.get("principal") == "*":
            violations.append(f"iam: {r['address']} lets anyone invoke {v.get('function_name')}")


def check_wildcard_comments(source_dirs, violations):
    """Every literal ["*"] resource in the .tf sources has a 'wildcard-allowed:' comment within the 4 lines above."""
    for d in source_dirs:
        for tf in sorted(pathlib.Path(d).rglob("*.tf")):
            if ".terraform" in tf.parts:
                continue
            lines = tf.read_text().splitlines()
            for i, line in enumerate(lines):
                if re.search(r'resources\s*=\s*\[\s*"\*"\s*\]', line):
                    if not any("wildcard-allowed:" in l for l in lines[max(0, i - 4):i]):
                        violations.append(f"iam: {tf}:{i + 1} has a '*' resource without a 'wildcard-allowed:' comment")


def check_encryption(plan, violations):
    for q in by_type(plan, "aws_sqs_queue"):
        v = q["values"]
        if not (v.get("sqs_managed_sse_enabled") or v.get("kms_master_key_id")):
            violations.append(f"encryption: queue {v.get('name')} has no server-side encryption")
    for s in by_type(plan, "aws_kinesis_stream"):
        v = s["values"]
        if v.get("encryption_type") != "KMS" or not v.get("kms_key_id"):
            violations.append(f"encryption: stream {v.get('name')} is not KMS-encrypted")
    for t in by_type(plan, "aws_sns_topic"):
        if not t["values"].get("kms_master_key_id"):
            violations.append(f"encryption: topic {t['values'].get('name')} is not KMS-encrypted")
    for k in by_type(plan, "aws_kms_key"):
        if not k["values"].get("enable_key_rotation"):
            violations.append(f"encryption: {k['address']} does not rotate")


def failure_destinations(plan):
    """ARNs that receive failures: DLQs named in redrive policies and on-failure destinations."""
    arns = set()
    for q in by_type(plan, "aws_sqs_queue"):
        if q["values"].get("redrive_policy"):
            arns.add(json.loads(q["values"]["redrive_policy"]).get("deadLetterTargetArn"))
    for m in by_type(plan, "aws_lambda_event_source_mapping"):
        for dc in m["values"].get("destination_config") or []:
            for of in dc.get("on_failure") or []:
                arns.add(of.get("destination_arn"))
    for c in by_type(plan, "aws_lambda_function_event_invoke_config"):
        for dc in c["values"].get("destination_config") or []:
            for of in dc.get("on_failure") or []:
                arns.add(of.get("destination"))
    return arns - {None, ""}


def check_failure_paths(plan, violations):
    sinks = failure_destinations(plan)
    queues = {q["values"].get("arn"): q["values"] for q in by_type(plan, "aws_sqs_queue")}
    for arn, q in queues.items():
        if not arn:
            violations.append(f"failures: queue {q.get('name')} has an unknown ARN")
        elif arn not in sinks and not q.get("redrive_policy"):
            violations.append(f"failures: queue {q.get('name')} has no dead-letter queue")
    for m in by_type(plan, "aws_lambda_event_source_mapping"):
        v = m["values"]
        source = v.get("event_source_arn") or ""
        if "ReportBatchItemFailures" not in (v.get("function_response_types") or []):
            violations.append(f"failures: mapping {m['address']} does not report batch item failures")
        if ":sqs:" in source:
            if not (queues.get(source) or {}).get("redrive_policy"):
                violations.append(f"failures: mapping {m['address']} reads a queue without a dead-letter queue")
        else:
            destinations = [of.get("destination_arn") for dc in v.get("destination_config") or [] for of in dc.get("on_failure") or []]
            if not any(destinations):
                violations.append(f"failures: stream mapping {m['address']} has no on-failure destination")
    for c in by_type(plan, "aws_lambda_function_event_invoke_config"):
        destinations = [of.get("destination") for dc in c["values"].get("destination_config") or [] for of in dc.get("on_failure") or []]
        if not any(destinations):
            violations.append(f"failures: {c['address']} has no on-failure destination")


def alarmed(plan):
    """(dimension name, value, metric) for every alarm."""
    seen = set()
    for a in by_type(plan, "aws_cloudwatch_metric_alarm"):
        v = a["values"]
        for name, value in (v.get("dimensions") or {}).items():
            seen.add((name, value, v.get("metric_name")))
    return seen


def targets(function_values, target):
    """Whether a trigger's target (a name, an ARN, or an alias ARN) is this function."""
    return bool(target) and (target in (function_values.get("function_name"), function_values.get("arn"))
                             or target.startswith(f"{function_values.get('arn')}:"))


def check_alarms(plan, violations):
    seen = alarmed(plan)
    dims = {(n, v) for n, v, _ in seen}
    for a in by_type(plan, "aws_cloudwatch_metric_alarm"):
        v = a["values"]
        for key in ("alarm_actions", "ok_actions"):
            actions = v.get(key) or []
            if not actions or not all(re.match(r"^arn:[^:]+:sns:", arn or "") for arn in actions):
                violations.append(f"alarms: {v.get('alarm_name')} notifies nobody ({key} {actions}, expected an SNS topic)")
    with_destination = [m["values"].get("function_name") for m in by_type(plan, "aws_lambda_event_source_mapping")
                        if any(of.get("destination_arn") for dc in m["values"].get("destination_config") or []
                               for of in dc.get("on_failure") or [])]
    asynchronous = [c["values"].get("function_name") for c in by_type(plan, "aws_lambda_function_event_invoke_config")]
    def tables_alarmed_on(metric):
        return {((a["values"].get("dimensions") or {}).get("Source"), (a["values"].get("dimensions") or {}).get("Table"))
                for a in by_type(plan, "aws_cloudwatch_metric_alarm") if a["values"].get("metric_name") == metric}
    for source_table in sorted(tables_alarmed_on("FreshnessLagMs") - tables_alarmed_on("AppendFailed")):
        violations.append(f"alarms: table {source_table} has a freshness alarm but no wail/AppendFailed alarm")
    for q in by_type(plan, "aws_sqs_queue"):
        if ("QueueName", q["values"].get("name")) not in dims:
            violations.append(f"alarms: queue {q['values'].get('name')} has no alarm")
    for s in by_type(plan, "aws_kinesis_stream"):
        if ("StreamName", s["values"].get("name")) not in dims:
            violations.append(f"alarms: stream {s['values'].get('name')} has no alarm")
    stream_fed = {m["values"].get("function_name") for m in by_type(plan, "aws_lambda_event_source_mapping")
                  if ":sqs:" not in (m["values"].get("event_source_arn") or "")}
    for f in by_type(plan, "aws_lambda_function"):
        v = f["values"]
        needed = ["Errors", "Throttles", "Duration"]
        if any(t and (t == v.get("function_name") or t.startswith(f"{v.get('arn')}:") or t == v.get("arn")) for t in stream_fed):
            needed.append("IteratorAge")
        if any(targets(v, t) for t in with_destination + asynchronous):
            needed.append("DestinationDeliveryFailures")
        if any(targets(v, t) for t in asynchronous):
            needed.append("AsyncEventsDropped")
        for metric in needed:
            if ("FunctionName", v.get("function_name"), metric) not in seen:
                violations.append(f"alarms: function {v.get('function_name')} has no {metric} alarm")
        if environment_of(v).get("QUARKUS_LAMBDA_HANDLER") in PRODUCER_HANDLERS \
                and ("Function", v.get("function_name"), "Refused") not in seen:
            violations.append(f"alarms: producer function {v.get('function_name')} has no wail/Refused alarm")
        if environment_of(v).get("QUARKUS_LAMBDA_HANDLER") in CONSUMER_HANDLERS \
                and ("Function", v.get("function_name"), "ConfigurationMismatch") not in seen:
            violations.append(f"alarms: consumer function {v.get('function_name')} has no"
                              " wail/ConfigurationMismatch alarm")
        if environment_of(v).get("QUARKUS_LAMBDA_HANDLER") in CONSUMER_HANDLERS \
                and ("Function", v.get("function_name"), "SourceHistoryChanged") not in seen:
            violations.append(f"alarms: consumer function {v.get('function_name')} has no"
                              " wail/SourceHistoryChanged alarm")


def check_tags(plan, violations):
    for r in resources(plan):
        if r.get("mode") == "managed" and "tags" in r.get("values", {}) and not r["values"]["tags"]:
            violations.append(f"tags: {r['address']} has no tags")


def environment_of(function_values):
    """A function's environment variables, {} when it has none."""
    return ((function_values.get("environment") or [{}])[0] or {}).get("variables") or {}


def check_functions(plan, violations):
    log_groups = {g["values"].get("name"): g["values"] for g in by_type(plan, "aws_cloudwatch_log_group")}
    queues = {q["values"].get("arn"): q["values"] for q in by_type(plan, "aws_sqs_queue")}
    for f in by_type(plan, "aws_lambda_function"):
        v = f["values"]
        name = v.get("function_name")
        env = environment_of(v)
        if (v.get("runtime"), v.get("handler")) not in RUNTIMES:
            violations.append(f"functions: {name} is neither java21 with {QUARKUS_HANDLER} nor a native "
                              f"provided.al2023 function (runtime {v.get('runtime')}, handler {v.get('handler')})")
        if not env.get("QUARKUS_LAMBDA_HANDLER"):
            violations.append(f"functions: {name} does not set QUARKUS_LAMBDA_HANDLER")
        for key in env:
            if "PASSWORD" in key.upper() or "SECRET_VALUE" in key.upper():
                violations.append(f"functions: {name} carries a credential in its environment ({key})")
        group = log_groups.get(f"/aws/lambda/{name}")
        if not group or not group.get("retention_in_days"):
            violations.append(f"functions: {name} has no log group with retention")
        for m in by_type(plan, "aws_lambda_event_source_mapping"):
            mv = m["values"]
            target = mv.get("function_name") or ""
            queue = queues.get(mv.get("event_source_arn"))
            if queue and queue.get("redrive_policy") and (target == v.get("arn") or target.startswith(f"{v.get('arn')}:")):
                expected = str(json.loads(queue["redrive_policy"])["maxReceiveCount"])
                if env.get("WAIL_CONSUMER_MAX_RECEIVE_COUNT") != expected:
                    violations.append(f"functions: {name} has WAIL_CONSUMER_MAX_RECEIVE_COUNT="
                                      f"{env.get('WAIL_CONSUMER_MAX_RECEIVE_COUNT')} but its queue redrives after {expected}")
                dlq_url = (queues.get(json.loads(queue["redrive_policy"])["deadLetterTargetArn"]) or {}).get("url")
                if env.get("WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL") != dlq_url:
                    violations.append(f"functions: {name} has WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL="
                                      f"{env.get('WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL')} but its queue redrives to {dlq_url}")


def check(plan, source_dirs):
    violations = []
    for step in (check_iam, check_managed_policies, check_lambda_permissions, check_encryption, check_failure_paths, check_alarms, check_tags, check_functions):
        step(plan, violations)
    check_wildcard_comments(source_dirs, violations)
    return violations


def first(plan, kind, predicate=lambda r: True):
    return next(r for r in by_type(plan, kind) if predicate(r))


def mutations(plan):
    """(description, mutate(plan), text the violation must contain) for the breaks this plan allows."""
    def wildcard_action(p):
        r = first(p, "aws_iam_role_policy")
        doc = json.loads(r["values"]["policy"])
        doc["Statement"] = as_list(doc["Statement"]) + [{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:1:q"}]
        r["values"]["policy"] = json.dumps(doc)

    def wildcard_resource(p):
        r = first(p, "aws_iam_role_policy")
        doc = json.loads(r["values"]["policy"])
        doc["Statement"] = as_list(doc["Statement"]) + [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]
        r["values"]["policy"] = json.dumps(doc)

    def drop_sse(p):
        q = first(p, "aws_sqs_queue")
        q["values"]["sqs_managed_sse_enabled"] = False
        q["values"]["kms_master_key_id"] = None

    def drop_alarms_of_function(p):
        name = first(p, "aws_lambda_function")["values"]["function_name"]
        for a in by_type(p, "aws_cloudwatch_metric_alarm"):
            if (a["values"].get("dimensions") or {}).get("FunctionName") == name:
                a["values"]["dimensions"] = {"FunctionName": "someone-else"}

    def drop_refused_alarm(p):
        for a in by_type(p, "aws_cloudwatch_metric_alarm"):
            if a["values"].get("metric_name") == "Refused":
                a["values"]["metric_name"] = "Something"

    def drop_mismatch_alarm(p):
        for a in by_type(p, "aws_cloudwatch_metric_alarm"):
            if a["values"].get("metric_name") == "ConfigurationMismatch":
                a["values"]["metric_name"] = "Something"

    def rename_metric(metric):
        def mutate(p):
            for a in by_type(p, "aws_cloudwatch_metric_alarm"):
                if a["values"].get("metric_name") == metric:
                    a["values"]["metric_name"] = "Something"
        return mutate

    def wildcard_arn(p):
        r = first(p, "aws_iam_role_policy")
        doc = json.loads(r["values"]["policy"])
        doc["Statement"] = as_list(doc["Statement"]) + [{"Effect": "Allow", "Action": "sqs:DeleteQueue", "Resource": "arn:aws:sqs:*:*:*"}]
        r["values"]["policy"] = json.dumps(doc)

    def administrator_access(p):
        p["planned_values"]["root_module"].setdefault("resources", []).append({
            "address": "aws_iam_role_policy_attachment.admin", "mode": "managed", "type": "aws_iam_role_policy_attachment",
            "name": "admin", "values": {"role": "x", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}})

    def permission_without_source(p):
        for r in by_type(p, "aws_lambda_permission"):
            r["values"]["source_arn"] = None

    def untag_mapping(p):
        first(p, "aws_lambda_event_source_mapping")["values"]["tags"] = None

    def silence_alarm(p):
        first(p, "aws_cloudwatch_metric_alarm")["values"]["alarm_actions"] = []

    def drop_mapping_failure_path(p):
        m = first(p, "aws_lambda_event_source_mapping")
        if ":sqs:" in (m["values"].get("event_source_arn") or ""):
            for q in by_type(p, "aws_sqs_queue"):
                if q["values"].get("arn") == m["values"]["event_source_arn"]:
                    q["values"]["redrive_policy"] = ""
        else:
            m["values"]["destination_config"] = []

    def password_env(p):
        f = first(p, "aws_lambda_function")
        f["values"]["environment"][0]["variables"]["WAIL_SOURCES_SHOP_POSTGRES_PASSWORD"] = "hunter2"

    def drop_dead_letter_queue_url(p):
        for f in by_type(p, "aws_lambda_function"):
            environment_of(f["values"]).pop("WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL", None)

    breaks = [
        ("a wildcard action", wildcard_action, "wildcard action sqs:*"),
        ("a '*' resource for a scopable action", wildcard_resource, "resource '*' for scopable actions"),
        ("a queue without SSE", drop_sse, "has no server-side encryption"),
        ("a function without alarms", drop_alarms_of_function, "has no Errors alarm"),
        ("a producer without its Refused alarm", drop_refused_alarm, "has no wail/Refused alarm"),
        ("a consumer without its ConfigurationMismatch alarm", drop_mismatch_alarm,
         "has no wail/ConfigurationMismatch alarm"),
        # The message of the mapping's own check (a bare "failures: " also matched the DLQ that lost its role).
        ("a mapping without DLQ or destination", drop_mapping_failure_path,
         "reads a queue without a dead-letter queue"
         if ":sqs:" in (first(plan, "aws_lambda_event_source_mapping")["values"].get("event_source_arn") or "")
         else "has no on-failure destination"),
        ("a mapping without tags", untag_mapping, "has no tags"),
        ("a wildcard ARN (arn:aws:sqs:*:*:*)", wildcard_arn, "allows wildcard ARN arn:aws:sqs:*:*:*"),
        ("AdministratorAccess attached", administrator_access,
         "attaches the managed policy arn:aws:iam::aws:policy/AdministratorAccess"),
        ("an alarm that notifies nobody", silence_alarm, "notifies nobody (alarm_actions []"),
        ("a function without its Duration alarm", rename_metric("Duration"), "has no Duration alarm"),
        ("a consumer without its SourceHistoryChanged alarm", rename_metric("SourceHistoryChanged"),
         "has no wail/SourceHistoryChanged alarm"),
        ("a function without its DestinationDeliveryFailures alarm", rename_metric("DestinationDeliveryFailures"),
         "has no DestinationDeliveryFailures alarm"),
        ("a table without its AppendFailed alarm", rename_metric("AppendFailed"), "but no wail/AppendFailed alarm"),
        ("a password in a function's environment", password_env, "carries a credential"),
    ]
    if any(":sqs:" in (m["values"].get("event_source_arn") or "") for m in by_type(plan, "aws_lambda_event_source_mapping")):
        breaks.append(("a consumer that does not know its dead-letter queue", drop_dead_letter_queue_url,
                       "WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL=None"))
    if by_type(plan, "aws_lambda_permission"):
        breaks.append(("a Lambda permission without source_arn", permission_without_source, "without a source_arn"))
    if by_type(plan, "aws_lambda_function_event_invoke_config"):
        breaks.append(("an asynchronous function without its AsyncEventsDropped alarm", rename_metric("AsyncEventsDropped"),
                       "has no AsyncEventsDropped alarm"))
    if by_type(plan, "aws_sns_topic"):
        breaks.append(("an unencrypted alarm topic", lambda p: first(p, "aws_sns_topic")["values"].update(kms_master_key_id=None),
                       "is not KMS-encrypted"))
    if by_type(plan, "aws_kinesis_stream"):
        breaks.append(("a stream without KMS", lambda p: first(p, "aws_kinesis_stream")["values"].update(encryption_type="NONE"),
                       "is not KMS-encrypted"))
    return breaks


def self_test(plan, source_dirs):
    failures = []
    for description, mutate, expected in mutations(plan):
        broken = copy.deepcopy(plan)
        mutate(broken)
        found = [v for v in check(broken, source_dirs) if expected in v]
        print(f"  self-test: {description}: {'caught: ' + found[0] if found else 'NOT CAUGHT'}")
        if not found:
            failures.append(description)
    return failures


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) < 2:
        print("usage: policy_test.py [--self-test] PLAN_JSON TF_SOURCE_DIR...", file=sys.stderr)
        return 2
    plan = json.loads(pathlib.Path(args[0]).read_text())
    counts = {k: len(by_type(plan, k)) for k in ("aws_iam_role_policy", "aws_sqs_queue", "aws_kinesis_stream",
                                                  "aws_lambda_function", "aws_lambda_event_source_mapping",
                                                  "aws_cloudwatch_metric_alarm")}
    print(f"policy test on {args[0]}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if counts["aws_lambda_function"] == 0:
        print("  the plan holds no function: nothing to check is itself a failure", file=sys.stderr)
        return 1
    violations = check(plan, args[1:])
    for v in violations:
        print(f"  VIOLATION {v}")
    failed = bool(violations)
    if "--self-test" in argv:
        failed |= bool(self_test(plan, args[1:]))
    print("  policy test " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
