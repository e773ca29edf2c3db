# Values for the apply against moto_server (infra/ci/check.sh); dummy identifiers, nothing real.
region              = "us-east-1"
writer_endpoint     = "shop.cluster-abc.us-east-1.rds.amazonaws.com"
reader_endpoint     = "shop.cluster-ro-abc.us-east-1.rds.amazonaws.com"
database_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:wail-db-AbCdEf"
subnet_ids          = ["subnet-0123456789abcdef0"]
security_group_ids  = ["sg-0123456789abcdef0"]
alarm_email         = "oncall@example.com"
# moto_server cannot run a function (its Invoke needs Docker): the schema step is deployed, not invoked.
invoke_consumer_schema_step = false
