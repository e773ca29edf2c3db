# DynamoDB table stream -> dynamodb-stream producer -> Kinesis (on demand, KMS) -> consumer reading the current items
# with consistent BatchGetItem -> a PostgreSQL read model. The table is created here to keep the example whole; point
# producer.dynamodb_streams at your own table's stream ARN instead (KEYS_ONLY is enough).

resource "aws_dynamodb_table" "customers" {
  name             = "customers"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "KEYS_ONLY"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = { app = "wail", example = "dynamodb-kinesis" }
}

module "wail" {
  source = "../.."

  name                        = var.name
  invoke_consumer_schema_step = var.invoke_consumer_schema_step

  intent_log = {
    type    = "kinesis"
    kinesis = { mode = "ON_DEMAND", retention_period_hours = 24 }
  }

  producer = {
    package = { local_file = var.producer_zip, runtime = var.runtime }
    dynamodb_streams = {
      customers = {
        stream_arn = aws_dynamodb_table.customers.stream_arn
        source     = "crm"
        batch_size = 100
      }
    }
  }

  consumer = {
    package                            = { local_file = var.consumer_zip, runtime = var.runtime }
    read_model_url                     = var.read_model_url
    batch_size                         = 500
    maximum_batching_window_in_seconds = 1
    kinesis = {
      maximum_retry_attempts        = 10
      maximum_record_age_in_seconds = 3600
    }
    dynamodb_source_table_arns = [aws_dynamodb_table.customers.arn]
    settings = {
      WAIL_SOURCES_CRM_KIND                         = "dynamodb"
      WAIL_SOURCES_CRM_TABLES_CUSTOMERS_KEY_COLUMNS = "id"
      WAIL_SOURCES_CRM_TABLES_CUSTOMERS_COLUMNS     = "id,name,email,tier"
      WAIL_SOURCES_CRM_TABLES_CUSTOMERS_SINK_TABLE  = "read_model.customers"
    }
  }

  database = { secret_arn = var.database_secret_arn }

  # X-Ray records every invocation (the roles get the X-Ray write actions).
  functions = { tracing_mode = "Active" }

  vpc = length(var.subnet_ids) == 0 ? null : {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  monitoring = {
    freshness_tables = [{ source = "crm", table = "customers" }]
  }

  # Every alarm notifies this topic: an existing one (alarm_topic_arn), or the module's own with an e-mail subscription.
  alarm_notifications = {
    topic_arn     = var.alarm_topic_arn
    subscriptions = [for e in compact([var.alarm_email]) : { protocol = "email", endpoint = e }]
  }

  tags = { app = "wail", example = "dynamodb-kinesis" }
}
