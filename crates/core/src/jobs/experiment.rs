//! A workspace's experiments: names unique among live and deleted ones, the `Default`
//! experiment every workspace has (MLflow's experiment `0`), deleting and restoring.

use super::filter::{Attribute, FieldValue, Fields};
use super::limits::{check_name, check_tag};
use super::run::StoredRun;
use super::tracking::{Experiment, LifecycleStage, Tag, TrackingError};
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The experiment runs go to when none is named (Azure's `Default`).
pub const DEFAULT_EXPERIMENT: &str = "Default";
/// The id MLflow clients send for the default experiment.
pub const DEFAULT_EXPERIMENT_ID: &str = "0";

/// What a new experiment starts with.
pub struct NewExperiment<'a> {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: &'a str,
    /// Where its runs' artifacts go.
    pub artifact_location: String,
    /// When (ms).
    pub now: i64,
    /// Its first tags.
    pub tags: &'a [Tag],
}

/// A new experiment, once its name is free among `existing` (live or deleted).
pub fn create(
    existing: &[Experiment],
    new: NewExperiment<'_>,
) -> Result<Experiment, TrackingError> {
    check_name("experiment", new.name)?;
    new.tags.iter().try_for_each(check_tag)?;
    if let Some(taken) = existing.iter().find(|e| e.name == new.name) {
        return Err(TrackingError::new(
            "RESOURCE_ALREADY_EXISTS",
            if taken.lifecycle_stage == LifecycleStage::Deleted {
                format!("Experiment '{}' already exists in deleted state. Restore it, or choose another name.", new.name)
            } else {
                format!("Experiment '{}' already exists.", new.name)
            },
        ));
    }
    Ok(Experiment {
        experiment_id: new.id,
        name: new.name.to_owned(),
        artifact_location: new.artifact_location,
        lifecycle_stage: LifecycleStage::Active,
        last_update_time: new.now,
        creation_time: new.now,
        tags: new.tags.to_vec(),
    })
}

/// The id of the live experiment named `name`, made (with `new`'s id) when there is none, as
/// a job submitted to a new experiment makes it; a deleted one of that name is refused.
pub fn find_or_create(
    experiments: &mut Vec<Experiment>,
    new: NewExperiment<'_>,
) -> Result<String, TrackingError> {
    if let Some(found) = experiments.iter().find(|e| e.name == new.name) {
        if found.lifecycle_stage == LifecycleStage::Deleted {
            return Err(TrackingError::invalid(format!(
                "The experiment '{}' is deleted. Restore it, or choose another experiment name.",
                new.name
            )));
        }
        return Ok(found.experiment_id.clone());
    }
    let created = create(experiments, new)?;
    let id = created.experiment_id.clone();
    experiments.push(created);
    Ok(id)
}

/// The experiment `id` names: its own id, or `0` for the default experiment.
pub fn find<'a>(experiments: &'a [Experiment], id: &str) -> Result<&'a Experiment, TrackingError> {
    experiments
        .iter()
        .find(|e| {
            e.experiment_id == id || (id == DEFAULT_EXPERIMENT_ID && e.name == DEFAULT_EXPERIMENT)
        })
        .ok_or_else(|| not_found(id))
}

/// MLflow's 404 for an experiment id.
pub fn not_found(id: &str) -> TrackingError {
    TrackingError::not_found(format!("No Experiment with id={id} exists"))
}

/// Renames an experiment, once the new name is free.
pub fn rename(
    experiments: &mut [Experiment],
    id: &str,
    new_name: &str,
    now: i64,
) -> Result<(), TrackingError> {
    check_name("experiment", new_name)?;
    if experiments
        .iter()
        .any(|e| e.name == new_name && e.experiment_id != id)
    {
        return Err(TrackingError::new(
            "RESOURCE_ALREADY_EXISTS",
            format!("Experiment '{new_name}' already exists."),
        ));
    }
    let found = find_mut(experiments, id)?;
    if found.name == DEFAULT_EXPERIMENT {
        return Err(TrackingError::invalid(
            "The Default experiment cannot be renamed.",
        ));
    }
    found.name = new_name.to_owned();
    found.last_update_time = now;
    Ok(())
}

/// Deletes or restores an experiment (the Default one is never deleted).
pub fn set_stage(
    experiments: &mut [Experiment],
    id: &str,
    stage: LifecycleStage,
    now: i64,
) -> Result<(), TrackingError> {
    let found = find_mut(experiments, id)?;
    if found.name == DEFAULT_EXPERIMENT && stage == LifecycleStage::Deleted {
        return Err(TrackingError::invalid(
            "The Default experiment cannot be deleted.",
        ));
    }
    found.lifecycle_stage = stage;
    found.last_update_time = now;
    Ok(())
}

/// Sets one of an experiment's tags.
pub fn set_tag(
    experiments: &mut [Experiment],
    id: &str,
    tag: Tag,
    now: i64,
) -> Result<(), TrackingError> {
    check_tag(&tag)?;
    let found = find_mut(experiments, id)?;
    found.tags.retain(|t| t.key != tag.key);
    found.tags.push(tag);
    found.last_update_time = now;
    Ok(())
}

/// Removes one of an experiment's tags, or says it has none by that key.
pub fn delete_tag(
    experiments: &mut [Experiment],
    id: &str,
    key: &str,
    now: i64,
) -> Result<(), TrackingError> {
    let found = find_mut(experiments, id)?;
    let before = found.tags.len();
    found.tags.retain(|t| t.key != key);
    if found.tags.len() == before {
        return Err(TrackingError::not_found(format!(
            "No tag with name: {key} in experiment with id {id}"
        )));
    }
    found.last_update_time = now;
    Ok(())
}

fn find_mut<'a>(
    experiments: &'a mut [Experiment],
    id: &str,
) -> Result<&'a mut Experiment, TrackingError> {
    let index = experiments
        .iter()
        .position(|e| {
            e.experiment_id == id || (id == DEFAULT_EXPERIMENT_ID && e.name == DEFAULT_EXPERIMENT)
        })
        .ok_or_else(|| not_found(id))?;
    Ok(&mut experiments[index])
}

/// Whether a workspace's experiments hold its Default one.
pub fn has_default(experiments: &[Experiment]) -> bool {
    experiments.iter().any(|e| e.name == DEFAULT_EXPERIMENT)
}

/// The Default experiment (id `id`) a workspace without one is given when it is first read,
/// as Azure ML's workspaces have one.
pub fn default_experiment(
    existing: &[Experiment],
    id: String,
    now: i64,
) -> Result<Experiment, TrackingError> {
    create(
        existing,
        NewExperiment {
            id,
            name: DEFAULT_EXPERIMENT,
            artifact_location: super::submit::artifact_root(),
            now,
            tags: &[],
        },
    )
}

/// The name of experiment `id` among `experiments`, or the id when it is not there.
pub fn name_of<'a>(experiments: &'a [Experiment], id: &'a str) -> &'a str {
    experiments
        .iter()
        .find(|e| e.experiment_id == id)
        .map_or(id, |e| e.name.as_str())
}

/// An experiment as the All experiments tab lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ExperimentSummary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was created (ms).
    pub created: i64,
    /// How many live runs it holds.
    pub runs: u64,
    /// When its newest run started (ms).
    pub latest_run: Option<i64>,
}

/// The live experiments with how many live runs each holds and when the newest started, in
/// one pass over `runs`.
pub fn summaries<'a>(
    experiments: &[Experiment],
    runs: impl Iterator<Item = &'a StoredRun>,
) -> Vec<ExperimentSummary> {
    let mut counts: HashMap<&str, (u64, i64)> = HashMap::new();
    for r in runs.filter(|r| r.info.lifecycle_stage == LifecycleStage::Active) {
        let entry = counts
            .entry(r.info.experiment_id.as_str())
            .or_insert((0, i64::MIN));
        entry.0 += 1;
        entry.1 = entry.1.max(r.info.start_time);
    }
    experiments
        .iter()
        .filter(|e| e.lifecycle_stage == LifecycleStage::Active)
        .map(|e| {
            let (runs, latest) = counts
                .get(e.experiment_id.as_str())
                .copied()
                .unwrap_or((0, i64::MIN));
            ExperimentSummary {
                id: e.experiment_id.clone(),
                name: e.name.clone(),
                created: e.creation_time,
                runs,
                latest_run: (runs > 0).then_some(latest),
            }
        })
        .collect()
}

/// What `experiments/search` filters and orders by: `name`, `creation_time`,
/// `last_update_time`, `experiment_id` and tags.
impl Fields for Experiment {
    fn attribute(&self, attribute: Attribute) -> Option<FieldValue<'_>> {
        Some(match attribute {
            Attribute::RunName => FieldValue::Text(&self.name),
            Attribute::StartTime => FieldValue::Number(self.creation_time as f64),
            Attribute::EndTime => FieldValue::Number(self.last_update_time as f64),
            Attribute::RunId | Attribute::ExperimentId => FieldValue::Text(&self.experiment_id),
            Attribute::ArtifactUri => FieldValue::Text(&self.artifact_location),
            Attribute::Status | Attribute::UserId => return None,
        })
    }

    fn metric(&self, _: &str) -> Option<f64> {
        None
    }

    fn param(&self, _: &str) -> Option<&str> {
        None
    }

    fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new<'a>(id: &str, name: &'a str) -> NewExperiment<'a> {
        NewExperiment {
            id: id.into(),
            name,
            artifact_location: String::new(),
            now: 1,
            tags: &[],
        }
    }

    fn run_in(experiment: &str, id: &str, start: i64) -> StoredRun {
        StoredRun::new(crate::jobs::run::NewRun {
            run_id: id,
            experiment_id: experiment,
            user: "ada@contoso.com",
            run_name: None,
            generated_name: id.into(),
            start_time: start,
            artifact_uri: String::new(),
            tags: &[],
        })
        .unwrap()
    }

    #[test]
    fn summaries_count_live_runs_and_the_newest_start_of_live_experiments() {
        let mut all = vec![
            create(&[], new("a", "one")).unwrap(),
            create(&[], new("b", "two")).unwrap(),
            create(&[], new("c", "gone")).unwrap(),
        ];
        set_stage(&mut all, "c", LifecycleStage::Deleted, 2).unwrap();
        let mut deleted = run_in("a", "r3", 900);
        deleted.set_stage(LifecycleStage::Deleted);
        let runs = [
            run_in("a", "r1", 10),
            run_in("a", "r2", 30),
            deleted,
            run_in("c", "r4", 5),
        ];
        let listed = summaries(&all, runs.iter());
        assert_eq!(listed.len(), 2, "a deleted experiment is not listed");
        assert_eq!((listed[0].runs, listed[0].latest_run), (2, Some(30)));
        assert_eq!((listed[1].runs, listed[1].latest_run), (0, None));
    }

    #[test]
    fn names_are_unique_even_when_deleted() {
        let mut all = vec![create(&[], new("d", DEFAULT_EXPERIMENT)).unwrap()];
        all.push(create(&all, new("a", "iris")).unwrap());
        let again = create(&all, new("b", "iris")).unwrap_err();
        assert_eq!(again.error_code, "RESOURCE_ALREADY_EXISTS");
        set_stage(&mut all, "a", LifecycleStage::Deleted, 2).unwrap();
        assert!(create(&all, new("b", "iris"))
            .unwrap_err()
            .message
            .contains("deleted state"));
        assert!(create(&all, new("b", " ")).is_err());
        assert_eq!(find(&all, "0").unwrap().experiment_id, "d");
        assert!(set_stage(&mut all, "0", LifecycleStage::Deleted, 3).is_err());
        assert_eq!(find(&all, "zz").unwrap_err().http_status(), 404);
    }

    #[test]
    fn renames_and_tags() {
        let mut all = vec![
            create(&[], new("a", "one")).unwrap(),
            create(&[], new("b", "two")).unwrap(),
        ];
        assert!(rename(&mut all, "a", "two", 2).is_err());
        rename(&mut all, "a", "uno", 2).unwrap();
        assert_eq!(all[0].name, "uno");
        let t = |v: &str| Tag {
            key: "k".into(),
            value: v.into(),
        };
        set_tag(&mut all, "b", t("1"), 3).unwrap();
        set_tag(&mut all, "b", t("2"), 4).unwrap();
        assert_eq!(all[1].tags, [t("2")]);
        delete_tag(&mut all, "b", "k", 5).unwrap();
        assert!(delete_tag(&mut all, "b", "k", 6).is_err());
    }
}
