//! Where a model version's files are, from its `modelUri` (ARM) or `source` (MLflow): a job's
//! artifacts (`azureml://jobs/{job}/outputs/artifacts/paths/{path}`, `runs:/{run}/{path}`, or
//! MLflow's `mlflow-artifacts:/ExperimentRun/dcid.{run}/{path}`), a job's named output
//! (`azureml://jobs/{job}/outputs/{output}[/paths/{path}]`), or a datastore folder
//! (`azureml://datastores/{ds}/paths/{path}`, short or long form).

use crate::data::uri::{check_path, parse_data_uri, DataUri};
use crate::jobs::run::{run_folder, ARTIFACT_STORE, RUNS_FOLDER};

/// A model's files, by where they were made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelSource {
    /// A folder of a run's artifacts.
    RunArtifacts {
        /// The run (job) name.
        run: String,
        /// The folder inside its artifacts (may be empty: all of them).
        path: String,
    },
    /// A job's named output, or a folder inside it.
    JobOutput {
        /// The job's name.
        job: String,
        /// The output's name.
        output: String,
        /// The path inside the output.
        path: String,
    },
    /// A folder (or file) of a datastore of this workspace.
    Datastore {
        /// The datastore's name.
        datastore: String,
        /// The path inside it.
        path: String,
    },
}

fn refused(uri: &str, why: &str) -> String {
    format!("The model's path '{uri}' cannot be read: {why}. Use azureml://jobs/<job>/outputs/artifacts/paths/<folder>, runs:/<run>/<folder>, azureml://jobs/<job>/outputs/<output> or azureml://datastores/<datastore>/paths/<folder>.")
}

/// The run and path of `{run}/{path}`, checked.
fn run_and_path(uri: &str, rest: &str) -> Result<ModelSource, String> {
    let (run, path) = rest.split_once('/').unwrap_or((rest, ""));
    if run.is_empty() {
        return Err(refused(uri, "it names no run"));
    }
    let path = path.trim_matches('/').to_owned();
    check_path(&path).map_err(|e| refused(uri, &e))?;
    Ok(ModelSource::RunArtifacts {
        run: run.to_owned(),
        path,
    })
}

impl ModelSource {
    /// Reads a model URI, or says what is wrong with it.
    pub fn parse(uri: &str) -> Result<ModelSource, String> {
        let uri = uri.trim();
        if uri.is_empty() {
            return Err("Say where the model's files are: a path such as azureml://jobs/<job>/outputs/artifacts/paths/model/.".into());
        }
        if let Some(rest) = uri.strip_prefix("runs:/") {
            return run_and_path(uri, rest.trim_start_matches('/'));
        }
        if let Some(rest) = uri.strip_prefix("mlflow-artifacts:/") {
            let rest = rest.trim_start_matches('/');
            let inside = rest
                .strip_prefix(RUNS_FOLDER)
                .and_then(|r| r.strip_prefix("/dcid."))
                .ok_or_else(|| refused(uri, "it is not in a run's artifacts"))?;
            return run_and_path(uri, inside);
        }
        if let Some(rest) = uri.strip_prefix("azureml://jobs/") {
            let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
            if let [job, "outputs", output] = parts.as_slice() {
                return Ok(ModelSource::JobOutput {
                    job: (*job).to_owned(),
                    output: (*output).to_owned(),
                    path: String::new(),
                });
            }
        }
        match parse_data_uri(uri).map_err(|e| refused(uri, &e))? {
            DataUri::JobOutput { job, output, path } if output == "artifacts" => {
                Ok(ModelSource::RunArtifacts {
                    run: job,
                    path: path.trim_matches('/').to_owned(),
                })
            }
            DataUri::JobOutput { job, output, path } => Ok(ModelSource::JobOutput {
                job,
                output,
                path: path.trim_matches('/').to_owned(),
            }),
            DataUri::Datastore {
                datastore, path, ..
            } => Ok(ModelSource::Datastore {
                datastore,
                path: path.trim_matches('/').to_owned(),
            }),
            DataUri::Asset { .. } => Err(refused(uri, "it names a data asset, not files")),
            DataUri::External(_) => Err(refused(
                uri,
                "Azimuth reads models from this workspace's storage only; upload the files first",
            )),
        }
    }

    /// The job (run) that made the model, when it came from one.
    pub fn job(&self) -> Option<&str> {
        match self {
            ModelSource::RunArtifacts { run, .. } => Some(run),
            ModelSource::JobOutput { job, .. } => Some(job),
            ModelSource::Datastore { .. } => None,
        }
    }

    /// The datastore and the folder in it that hold the files. `output_uri` answers where a
    /// job's named output was written (its `uri`), when the source is one.
    pub fn folder(
        &self,
        output_uri: impl FnOnce(&str, &str) -> Option<String>,
    ) -> Result<(String, String), String> {
        let join = |a: &str, b: &str| match (a.trim_matches('/'), b.trim_matches('/')) {
            (a, "") => a.to_owned(),
            ("", b) => b.to_owned(),
            (a, b) => format!("{a}/{b}"),
        };
        match self {
            ModelSource::RunArtifacts { run, path } => {
                Ok((ARTIFACT_STORE.to_owned(), join(&run_folder(run), path)))
            }
            ModelSource::Datastore { datastore, path } => Ok((datastore.clone(), path.clone())),
            ModelSource::JobOutput { job, output, path } => {
                let uri = output_uri(job, output)
                    .ok_or_else(|| format!("The job '{job}' has no output named '{output}'."))?;
                match parse_data_uri(&uri) {
                    Ok(DataUri::Datastore {
                        datastore,
                        path: at,
                        ..
                    }) => Ok((datastore, join(&at, path))),
                    _ => Err(format!(
                        "The output '{output}' of the job '{job}' went to {uri}, outside this workspace's datastores."
                    )),
                }
            }
        }
    }
}
