# Broken inputs for infra/ci/check.sh: planning this must fail with each validation's message.
module "wail" {
  source = "../infra"
  name   = "wail-invalid"

  intent_log = {
    type = "sqs"
    sqs  = { fifo = true, queue_name = "intents", max_receive_count = 0 }
  }

  producer = { package = { local_file = "@ZIP@", runtime = "java11" } }

  consumer = {
    package        = { local_file = "@ZIP@" }
    read_model_url = "postgresql://read-model.example:5432/shop"
    batch_size     = 20000
    settings       = { WAIL_SOURCES_SHOP_POSTGRES_PASSWORD = "hunter2" }
  }
}
