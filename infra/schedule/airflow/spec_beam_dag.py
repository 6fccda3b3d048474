"""Airflow DAG: a nightly spec-beam compare on Flink (or Dataflow), recorded in a history, then the trend report.

Variables (Airflow Variables or the environment of the worker): SPEC_BEAM_HOME (holds configs/ and runs/, or use
gs:// paths in the config and below), SPEC_BEAM_RUNNER_FLAGS (e.g. "--runner flink --flink-master jm:8081
--environment-type PROCESS" or "--runner dataflow --job-endpoint localhost:8099 --project P --region R
--temp-location gs://B/tmp --sdk-container-image IMAGE"). The command is COMMAND below; test/schedule.test.ts
runs it exactly (Airflow itself is not installed in this repository's CI).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

COMMAND = (
    'cd "$SPEC_BEAM_HOME" && '
    "spec-beam compare --config configs/nightly.yaml --out 'runs/{name}/{date}-{time}' "
    "--history runs/history.parquet --skip-unchanged $SPEC_BEAM_RUNNER_FLAGS && "
    "spec-beam history runs/history.parquet --out runs/trend --overwrite"
)

with DAG(
    dag_id="spec_beam_nightly",
    start_date=datetime(2026, 1, 1),
    schedule="15 2 * * *",
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["spec-beam"],
) as dag:
    BashOperator(
        task_id="compare_and_trend",
        bash_command=COMMAND,
        env={
            "SPEC_BEAM_HOME": "{{ var.value.get('SPEC_BEAM_HOME', '/srv/spec-beam') }}",
            "SPEC_BEAM_RUNNER_FLAGS": "{{ var.value.get('SPEC_BEAM_RUNNER_FLAGS', '') }}",
        },
        append_env=True,
    )
