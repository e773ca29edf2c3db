# Aurora PostgreSQL -> SQS FIFO -> consumer -> a read model in the same cluster.
# Triggers installed with delivery 'aws_lambda' call the aurora-hook function; the outbox drain runs as well, for
# tables captured with delivery 'outbox'. After apply, run the SQL in the aurora_hook_capture_sql output.

module "wail" {
  source = "../.."

  name                        = var.name
  invoke_consumer_schema_step = var.invoke_consumer_schema_step

  intent_log = {
    type = "sqs"
    sqs = {
      fifo                       = true
      max_receive_count          = 10
      visibility_timeout_seconds = 360
    }
  }

  producer = {
    package = { local_file = var.producer_zip }
    outbox_drain = {
      enabled             = true
      schedule_expression = "rate(1 minute)"
      datasource_url      = "postgresql://${var.writer_endpoint}:5432/${var.database_name}"
    }
    aurora_hook = {
      enabled             = true
      cluster_identifiers = var.cluster_identifier == null ? [] : [var.cluster_identifier]
    }
  }

  consumer = {
    package             = { local_file = var.consumer_zip }
    read_model_url      = "postgresql://${var.writer_endpoint}:5432/${var.database_name}"
    batch_size          = 10
    maximum_concurrency = 10
    settings = {
      WAIL_SOURCES_SHOP_POSTGRES_WRITER_URL       = "postgresql://${var.writer_endpoint}:5432/${var.database_name}"
      WAIL_SOURCES_SHOP_POSTGRES_READER_URL       = "postgresql://${var.reader_endpoint}:5432/${var.database_name}"
      WAIL_SOURCES_SHOP_TABLES_ORDERS_KEY_COLUMNS = "id"
      WAIL_SOURCES_SHOP_TABLES_ORDERS_COLUMNS     = "id,customer,status,total_cents,updated_at"
      WAIL_SOURCES_SHOP_TABLES_ORDERS_SINK_TABLE  = "read_model.orders"
      # No WAIL_SOURCES_SHOP_TABLES_ORDERS_VERSION_COLUMN: updated_at = now() is not a version (a transaction that
      # starts first and commits last carries the lower value); only a counter set by every writing statement is.
    }
  }

  database = { secret_arn = var.database_secret_arn }

  vpc = {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  monitoring = {
    freshness_tables = [{ source = "shop", table = "orders" }]
  }

  # Every alarm notifies this topic: an existing one (alarm_topic_arn), or the module's own with an e-mail subscription.
  alarm_notifications = {
    topic_arn     = var.alarm_topic_arn
    subscriptions = [for e in compact([var.alarm_email]) : { protocol = "email", endpoint = e }]
  }

  tags = { app = "wail", example = "aurora-postgres-sqs" }
}
