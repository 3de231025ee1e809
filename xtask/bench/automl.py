"""scikit-learn on the same table as Azimuth's AutoML bench: the best AUC_weighted of
LogisticRegression, RandomForest and HistGradientBoosting under stratified k-fold CV, with the
features prepared as AutoML prepares them (mean-imputed and scaled numbers, one-hot categories).

    python automl.py <file.csv> <target> [--folds K]

Prints one JSON line per model and one with the best, like the native sweep's.
"""

import argparse
import json
import time

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("csv")
    p.add_argument("target")
    p.add_argument("--folds", type=int, default=3)
    a = p.parse_args()
    started = time.monotonic()
    frame = pd.read_csv(a.csv)
    y = frame.pop(a.target)
    numbers = frame.select_dtypes("number").columns
    categories = frame.columns.difference(numbers)
    prepare = make_column_transformer(
        (make_pipeline(SimpleImputer(), StandardScaler()), numbers),
        (make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), categories),
    )
    models = {
        "LogisticRegression": LogisticRegression(max_iter=1000),
        "RandomForest": RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
        "HistGradientBoosting": HistGradientBoostingClassifier(random_state=0),
    }
    folds = StratifiedKFold(n_splits=a.folds, shuffle=True, random_state=0)
    best = ("", 0.0)
    for name, model in models.items():
        at = time.monotonic()
        auc = cross_val_score(make_pipeline(prepare, model), frame, y, cv=folds, scoring="roc_auc_ovr_weighted").mean()
        print(json.dumps({"algorithm": name, "AUC_weighted": round(auc, 6), "seconds": round(time.monotonic() - at, 3)}))
        if auc > best[1]:
            best = (name, auc)
    print(json.dumps({"best": best[0], "AUC_weighted": round(best[1], 6), "total_seconds": round(time.monotonic() - started, 3)}))


if __name__ == "__main__":
    main()
