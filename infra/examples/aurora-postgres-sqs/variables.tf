variable "region" {
  description = "AWS region of the Aurora cluster and of wail."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "wail-shop"
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

variable "cluster_identifier" {
  description = "The Aurora PostgreSQL cluster whose triggers call the hook; null to attach the invoke role yourself."
  type        = string
  default     = null
}

variable "writer_endpoint" {
  description = "The cluster's writer endpoint (host name)."
  type        = string
}

variable "reader_endpoint" {
  description = "The cluster's reader endpoint (host name), tried first for hydration."
  type        = string
}

variable "database_name" {
  description = "The source database holding the captured tables (and, here, the read model schema)."
  type        = string
  default     = "shop"
}

variable "database_secret_arn" {
  description = "Secrets Manager secret with the wail database user's {\"username\",\"password\"}."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets from which the functions reach the cluster (with a route to SQS and Secrets Manager)."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the functions; the cluster's group must admit them on 5432."
  type        = list(string)
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
