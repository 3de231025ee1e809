"""Logs runs through the mlflow client into a tracking server, as a training script would.

    python ingest.py <tracking uri> --experiment NAME --runs N --params P --metrics M --steps S
        [--max-seconds T] [--batch-points B]

`cargo xtask bench jobs` runs this one script, unchanged, against azimuth-server and against
MLflow's own server (MLFLOW_TRACKING_TOKEN is set for azimuth-server). Each run: create, one
log_batch of its params, its metrics' values in batches of at most B, set_terminated. Prints
one JSON line: runs, points, seconds, points per second, and the experiment's id. With
--max-seconds it stops after the run that passes that time (the rate is over what it did).
"""

import argparse
import json
import time

from mlflow.entities import Metric, Param
from mlflow.tracking import MlflowClient


def main():
    p = argparse.ArgumentParser()
    p.add_argument("uri")
    p.add_argument("--experiment", required=True)
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--params", type=int, default=10)
    p.add_argument("--metrics", type=int, default=5)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--max-seconds", type=float, default=0)
    p.add_argument("--batch-points", type=int, default=900)
    p.add_argument("--first", type=int, default=0, help="number of the first run (its name)")
    a = p.parse_args()
    client = MlflowClient(tracking_uri=a.uri)
    found = client.get_experiment_by_name(a.experiment)
    experiment = found.experiment_id if found else client.create_experiment(a.experiment)
    started = time.monotonic()
    points = runs = 0
    rid = ""
    for n in range(a.first, a.first + a.runs):
        run = client.create_run(experiment, run_name=f"run-{n:05d}", start_time=1_700_000_000_000 + n)
        rid = run.info.run_id
        params = [Param(f"param_{i}", str((n * 7 + i) % 13)) for i in range(a.params)]
        client.log_batch(rid, params=params)
        now = int(time.time() * 1000)
        total = a.metrics * a.steps
        # Made a batch at a time: a run of a million values is never all in memory.
        for first in range(0, total, a.batch_points):
            batch = [
                Metric(f"metric_{i // a.steps}", 1.0 / (i % a.steps + 1) + i // a.steps + (n % 10) / 100, now, i % a.steps)
                for i in range(first, min(first + a.batch_points, total))
            ]
            client.log_batch(rid, metrics=batch)
        client.set_terminated(rid)
        points += total
        runs += 1
        if a.max_seconds and time.monotonic() - started > a.max_seconds:
            break
    seconds = time.monotonic() - started
    print(json.dumps({
        "runs": runs,
        "points": points,
        "seconds": round(seconds, 2),
        "points_per_second": round(points / seconds, 1),
        "experiment_id": experiment,
        "last_run_id": rid,
    }))


if __name__ == "__main__":
    main()
