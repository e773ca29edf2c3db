variable "region" {
  description = "AWS region of the table and of wail."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "wail-crm"
}

variable "producer_zip" {
  description = "Path to the producer's function.zip (functions/producer/target/function.zip after mvn verify)."
  type        = string
  default     = "../../../functions/producer/target/function.zip"
}

variable "consumer_zip" {
  description = "Path to the consumer's function.zip (functions/consumer/target/function.zip after mvn verify)."
  type        = string
  default     = "../../../functions/consumer/target/function.zip"
}

variable "runtime" {
  description = "Lambda runtime of both zips: java21 for the JVM zips of mvn verify, provided.al2023 for the native zips of native-build/build.sh (their bootstrap executables)."
  type        = string
  default     = "java21"
}

variable "read_model_url" {
  description = "The PostgreSQL read model the consumer writes, postgresql://host:port/database (no credentials)."
  type        = string
}

variable "database_secret_arn" {
  description = "Secrets Manager secret with the read model user's {\"username\",\"password\"}."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets from which the consumer reaches the read model; empty to run it outside a VPC."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of the consumer when subnet_ids is set."
  type        = list(string)
  default     = []
}

variable "alarm_topic_arn" {
  description = "An existing SNS topic every alarm notifies; null to let the module create one subscribed by alarm_email."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "The address the module's alarm topic e-mails (confirm the subscription from the first message); used when alarm_topic_arn is null."
  type        = string
  default     = null
}

variable "invoke_consumer_schema_step" {
  description = "Whether apply invokes the consumer's deploy-time schema step; false only where Lambda cannot run the zip (moto_server)."
  type        = bool
  default     = true
}
