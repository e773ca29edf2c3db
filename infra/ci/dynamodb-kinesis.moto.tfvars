# Values for the apply against moto_server (infra/ci/check.sh); dummy identifiers, nothing real.
region              = "us-east-1"
read_model_url      = "postgresql://read-model.example:5432/crm"
database_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:wail-db-AbCdEf"
# The native packaging's path through the module (runtime, handler, environment); moto creates functions without
# running their code, so the zips here are the JVM ones.
runtime     = "provided.al2023"
alarm_email = "oncall@example.com"
# moto_server cannot run a function (its Invoke needs Docker): the schema step is deployed, not invoked.
invoke_consumer_schema_step = false
