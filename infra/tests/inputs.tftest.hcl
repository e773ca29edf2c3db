# Input refusals and the alarm actions, in Terraform's own test framework (offline: a mocked provider, plans only;
# run by infra/ci/check.sh). The first run is the valid baseline and checks that every root alarm notifies the alarm
# topic; each other run breaks one input and expects that variable to be refused (expect_failures names the
# variable, not the message: ci/check.sh's invalid-input plan asserts the messages).
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name       = "wail-test"
  intent_log = { type = "sqs" }
  producer = {
    package     = { s3_bucket = "wail-artifacts", s3_key = "producer/function.zip", s3_sha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    aurora_hook = { enabled = true }
  }
  consumer = {
    package        = { s3_bucket = "wail-artifacts", s3_key = "consumer/function.zip", s3_sha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    read_model_url = "postgresql://read-model.example:5432/shop"
  }
  alarm_notifications = { subscriptions = [{ protocol = "email", endpoint = "oncall@example.com" }] }
}

run "valid_inputs_plan" {
  command = plan

  # The topic's ARN is known only after apply; the plan's alarms refer to it, so give it one now.
  override_resource {
    target          = aws_sns_topic.alarms[0]
    override_during = plan
    values          = { arn = "arn:aws:sns:us-east-1:123456789012:wail-test-alarms" }
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:wail-test-alarms"]) && a.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:wail-test-alarms"])])
    error_message = "every alarm of the root module must notify the module's alarm topic"
  }
}

run "alarms_that_notify_nobody" {
  command = plan
  variables {
    alarm_notifications = {}
  }
  expect_failures = [var.alarm_notifications]
}

run "credentials_in_read_model_url" {
  command = plan
  variables {
    consumer = {
      package        = { s3_bucket = "wail-artifacts", s3_key = "consumer/function.zip", s3_object_version = "1" }
      read_model_url = "postgresql://wail:hunter2@read-model.example:5432/shop"
    }
  }
  expect_failures = [var.consumer]
}

run "credentials_in_datasource_url" {
  command = plan
  variables {
    producer = {
      package      = { s3_bucket = "wail-artifacts", s3_key = "producer/function.zip", s3_object_version = "1" }
      outbox_drain = { enabled = true, datasource_url = "postgresql://shop.example:5432/shop?user=wail&password=hunter2" }
    }
  }
  expect_failures = [var.producer]
}

run "secret_in_producer_environment" {
  command = plan
  variables {
    producer = {
      package     = { s3_bucket = "wail-artifacts", s3_key = "producer/function.zip", s3_object_version = "1" }
      environment = { WAIL_WEBHOOK_TOKEN = "abc" }
    }
  }
  expect_failures = [var.producer]
}

run "s3_package_without_hash" {
  command = plan
  variables {
    consumer = {
      package        = { s3_bucket = "wail-artifacts", s3_key = "consumer/function.zip" }
      read_model_url = "postgresql://read-model.example:5432/shop"
    }
  }
  expect_failures = [var.consumer]
}
