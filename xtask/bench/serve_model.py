"""The MLflow side of `cargo xtask bench endpoints`: a scikit-learn LogisticRegression (scaled
features, as Azimuth's) trained on a CSV's rows, saved as an MLflow model folder for
`mlflow models serve`. Usage: serve_model.py <csv> <target column> <model folder>."""

import sys

import mlflow.sklearn
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

csv, target, folder = sys.argv[1:4]
rows = pd.read_csv(csv)
features = rows.drop(columns=[target, "PatientID"], errors="ignore")
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(features, rows[target])
mlflow.sklearn.save_model(model, folder, input_example=features.head(2))
print(",".join(features.columns))
