# Written by infra/ci/check.sh into a scratch copy of an example: points the AWS provider at moto_server on
# 127.0.0.1 with dummy credentials, so nothing leaves the machine. Never part of a real deployment.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = false

  endpoints {
    cloudwatch     = "@ENDPOINT@"
    cloudwatchlogs = "@ENDPOINT@"
    dynamodb       = "@ENDPOINT@"
    events         = "@ENDPOINT@"
    iam            = "@ENDPOINT@"
    kinesis        = "@ENDPOINT@"
    kms            = "@ENDPOINT@"
    lambda         = "@ENDPOINT@"
    rds            = "@ENDPOINT@"
    secretsmanager = "@ENDPOINT@"
    sns            = "@ENDPOINT@"
    sqs            = "@ENDPOINT@"
    sts            = "@ENDPOINT@"
  }
}
