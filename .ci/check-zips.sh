#!/usr/bin/env bash
# Checks that each function zip holds only what a deployed function runs: no class or resource of the dev/ modules
# (dev.wail.emulation, dev.wail.embedded, dev.wail.testing, the DynamoDB Local launcher), no test library (JUnit,
# Quarkus test, AssertJ, Awaitility) and no embedded service (zonky PostgreSQL, ElasticMQ), whether as an entry of the
# zip or inside a jar the zip carries. Prints each zip's size, entry count and ten largest entries.
#
#   .ci/check-zips.sh [ZIP...]    (default: the producer's and the consumer's target/function.zip)
#
# Exits 1 naming every offending entry, or if a zip is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  set -- functions/producer/target/function.zip functions/consumer/target/function.zip
fi

python3 - "$@" <<'PY'
import io, re, sys, zipfile

# Entry names (in the zip, or in a jar inside it) that must never ship.
FORBIDDEN_ENTRY = re.compile(r"""^(
      dev/wail/emulation/ | dev/wail/embedded/ | dev/wail/testing/ | dev/wail/dynamodblocal/
    | dev/wail/producer/local/                        # the emulator's old place, before the module cut
    | wail/aws_lambda_emulation\.sql
    | org/junit/ | io/quarkus/test/ | org/assertj/ | org/awaitility/
    | io/zonky/ | org/elasticmq/
)""", re.X)
# Jars (by file name) that must never ship, even empty.
FORBIDDEN_JAR = re.compile(r"""(
      wail-test-kit | wail-test-support | wail-embedded-services | wail-aws-emulation | wail-dynamodb-local
    | junit | quarkus-junit | assertj | awaitility | embedded-postgres | elasticmq | DynamoDBLocal
)[^/]*\.jar$""", re.X)

def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024

failed = False
for path in sys.argv[1:]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        print(f"missing {path}: build it first (mvn -pl <function module> -am package)", file=sys.stderr)
        failed = True
        continue
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        offending = []
        for info in infos:
            if FORBIDDEN_ENTRY.match(info.filename) or FORBIDDEN_JAR.search(info.filename):
                offending.append(info.filename)
            if info.filename.endswith(".jar"):
                with zipfile.ZipFile(io.BytesIO(archive.read(info))) as jar:
                    offending += [f"{info.filename}!/{name}" for name in jar.namelist()
                                  if FORBIDDEN_ENTRY.match(name)]
        import os
        print(f"{path}: {human(os.path.getsize(path))}, {len(infos)} entries; largest (uncompressed):")
        for info in sorted(infos, key=lambda i: i.file_size, reverse=True)[:10]:
            print(f"  {human(info.file_size):>10}  {info.filename}")
        if offending:
            failed = True
            print(f"{path} holds {len(offending)} entries that only tests, local/ or bench/ may use:", file=sys.stderr)
            for name in offending:
                print(f"  {name}", file=sys.stderr)
        else:
            print(f"ok: {path} holds no emulation, embedded-service or test class")
sys.exit(1 if failed else 0)
PY
