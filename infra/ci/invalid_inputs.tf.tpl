# Broken inputs for infra/ci/check.sh: planning this must fail with each validation's message.
module "wail" {
  source = "../infra"
  name   = "wail-invalid"

  intent_log = {
    type = "sqs"
    sqs  = { fifo = true, queue_name = "intents", max_receive_count = 0 }
  }

  producer = {
    package      = { local_file = "@ZIP@", runtime = "java11" }
    environment  = { WAIL_API_TOKEN = "t0ken", WAIL_PRODUCER_NOTE = "AKIAEXAMPLEEXAMPLE00" }
    outbox_drain = { datasource_url = "postgresql://wail:hunter2@shop.example:5432/shop" }
  }

  consumer = {
    package        = { s3_bucket = "wail-artifacts", s3_key = "consumer/function.zip" }
    read_model_url = "postgresql://read-model.example:5432/shop?user=wail&password=hunter2"
    batch_size     = 20000
    settings = {
      WAIL_SOURCES_SHOP_POSTGRES_PASSWORD   = "hunter2"
      WAIL_SOURCES_SHOP_POSTGRES_WRITER_URL = "postgresql://wail:hunter2@shop.example:5432/shop"
    }
  }

  encryption = { log_kms_key_arn = "alias/wail-logs" }
  functions  = { architecture = "sparc" }
}
