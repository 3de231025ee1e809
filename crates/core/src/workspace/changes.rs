//! What a change did to a workspace, small enough to send to every studio: the computes it made
//! or changed, the names of those it deleted and the new lines of recent activity. A copy of a
//! workspace shares its computes with the original until one is changed (`Arc::make_mut`), so
//! the computes a change touched are the ones whose address moved: finding them costs a pointer
//! per compute, not a comparison of every compute.

use super::{Activity, Workspace, ACTIVITY_KEPT};
use crate::arm::json_de::FromValue;
use crate::compute::quota::HeldElsewhere;
use crate::compute::StoredCompute;
use crate::data::{DataContainerResource, DataVersionResource, StoredDatastore};
use crate::endpoints::batch::{StoredBatchDeployment, StoredBatchEndpoint};
use crate::endpoints::{StoredDeployment, StoredEndpoint};
use crate::models::{ModelContainerResource, ModelVersionResource};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The computes and activity a change made; applied to the workspace as it was before, it gives
/// the workspace as it is after.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Changes {
    /// Computes created or changed, as they are now (each `resource` is the ARM JSON GET returns).
    #[serde(default)]
    pub computes: Vec<Arc<StoredCompute>>,
    /// Names of the computes deleted.
    #[serde(default)]
    pub deleted: Vec<String>,
    /// New lines of recent activity, newest first.
    #[serde(default)]
    pub activity: Vec<Activity>,
    /// Datastores registered or changed, as stored (a server leaves their secrets out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datastores: Vec<Arc<StoredDatastore>>,
    /// Names of the datastores unregistered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_datastores: Vec<String>,
    /// Data assets (containers) created or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<Arc<DataContainerResource>>,
    /// Data asset versions created or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_versions: Vec<Arc<DataVersionResource>>,
    /// Models and versions registered, changed or deleted.
    #[serde(default, skip_serializing_if = "ModelChanges::is_empty")]
    pub models: ModelChanges,
    /// Endpoints and deployments created, changed or deleted.
    #[serde(default, skip_serializing_if = "EndpointChanges::is_empty")]
    pub endpoints: EndpointChanges,
    /// The workspace's settled instant after the change.
    pub settled_at: i64,
    /// The workspace's counter after the change.
    pub serial: u64,
    /// What the region's other workspaces hold, when that changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_elsewhere: Option<HeldElsewhere>,
}

/// What a change did to a workspace's assets other than computes (see
/// [`Workspace::asset_changes`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssetChanges {
    /// Datastores registered or changed.
    pub datastores: Vec<Arc<StoredDatastore>>,
    /// Names of the datastores unregistered.
    pub deleted_datastores: Vec<String>,
    /// Data assets (containers) created or changed.
    pub data: Vec<Arc<DataContainerResource>>,
    /// Data asset versions created or changed.
    pub data_versions: Vec<Arc<DataVersionResource>>,
    /// Models and versions registered, changed or deleted.
    pub models: ModelChanges,
    /// Endpoints and deployments created, changed or deleted.
    pub endpoints: EndpointChanges,
}

/// The online endpoints and deployments a change created, changed or deleted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct EndpointChanges {
    /// Endpoints created or changed (a server leaves their keys out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Arc<StoredEndpoint>>,
    /// Names of the endpoints deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<String>,
    /// Deployments created or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<Arc<StoredDeployment>>,
    /// Ids of the deployments deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_deployments: Vec<String>,
    /// Batch endpoints created or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batch_endpoints: Vec<Arc<StoredBatchEndpoint>>,
    /// Names of the batch endpoints deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_batch_endpoints: Vec<String>,
    /// Batch deployments created or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batch_deployments: Vec<Arc<StoredBatchDeployment>>,
    /// Ids of the batch deployments deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_batch_deployments: Vec<String>,
}

impl EndpointChanges {
    /// Whether no endpoint or deployment changed.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
            && self.deleted.is_empty()
            && self.deployments.is_empty()
            && self.deleted_deployments.is_empty()
            && self.batch_endpoints.is_empty()
            && self.deleted_batch_endpoints.is_empty()
            && self.batch_deployments.is_empty()
            && self.deleted_batch_deployments.is_empty()
    }
}

/// The models and model versions a change registered, changed or deleted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct ModelChanges {
    /// Models (containers) registered or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Arc<ModelContainerResource>>,
    /// Names of the models deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<String>,
    /// Versions registered or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<Arc<ModelVersionResource>>,
    /// Ids of the versions deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_versions: Vec<String>,
}

impl ModelChanges {
    /// Whether no model changed.
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty()
            && self.deleted.is_empty()
            && self.versions.is_empty()
            && self.deleted_versions.is_empty()
    }
}

/// Everything of a workspace that [`Changes`] does not carry, for telling whether it changed.
fn rest(w: &Workspace) -> Workspace {
    Workspace {
        activity: Vec::new(),
        settled_at: 0,
        serial: 0,
        held_elsewhere: HeldElsewhere::default(),
        ..w.without_assets()
    }
}

impl Changes {
    /// Whether nothing changed but the settled instant and the counter.
    pub fn is_empty(&self) -> bool {
        self.computes.is_empty()
            && self.deleted.is_empty()
            && self.datastores.is_empty()
            && self.deleted_datastores.is_empty()
            && self.data.is_empty()
            && self.data_versions.is_empty()
            && self.models.is_empty()
            && self.endpoints.is_empty()
            && self.activity.is_empty()
            && self.held_elsewhere.is_none()
    }
}

impl Workspace {
    /// What changed since `before` (an earlier state of this workspace whose computes were kept
    /// alive while this one changed), or `None` when more than computes and activity changed
    /// (settings, members, the workspace's resource): then only reading it again will do.
    pub fn changes_since(&self, before: &Workspace) -> Option<Changes> {
        if rest(self) != rest(before) {
            return None;
        }
        let (computes, deleted) = self.changed_computes(before);
        let AssetChanges {
            datastores,
            deleted_datastores,
            data,
            data_versions,
            models,
            endpoints,
        } = self.asset_changes(Some(before));
        let old_first = before.activity.first();
        let activity = self
            .activity
            .iter()
            .take_while(|a| Some(*a) != old_first)
            .cloned()
            .collect();
        Some(Changes {
            computes,
            deleted,
            datastores,
            deleted_datastores,
            data,
            data_versions,
            models,
            endpoints,
            activity,
            settled_at: self.settled_at,
            serial: self.serial,
            held_elsewhere: (self.held_elsewhere != before.held_elsewhere)
                .then(|| self.held_elsewhere.clone()),
        })
    }

    /// The computes made or changed since `before` (an earlier state of this workspace whose
    /// computes were kept alive while this one changed), and the names of those deleted.
    pub fn changed_computes(&self, before: &Workspace) -> (Vec<Arc<StoredCompute>>, Vec<String>) {
        touched(&self.computes, &before.computes, |c| &c.resource.name)
    }

    /// The datastores, data assets, models and versions made or changed since `before` (an earlier
    /// state whose assets were kept alive; all of them when there is none), and the names of
    /// the datastores unregistered.
    pub fn asset_changes(&self, before: Option<&Workspace>) -> AssetChanges {
        let (datastores, deleted_datastores) = touched(
            &self.datastores,
            before.map_or(&[], |b| &b.datastores[..]),
            |d| &d.resource.name,
        );
        let (data, _) = touched(&self.data, before.map_or(&[], |b| &b.data[..]), |d| &d.name);
        let (data_versions, _) = touched(
            &self.data_versions,
            before.map_or(&[], |b| &b.data_versions[..]),
            |v| &v.id,
        );
        let (containers, deleted) =
            touched(&self.models, before.map_or(&[], |b| &b.models[..]), |m| {
                &m.name
            });
        let (versions, deleted_versions) = touched(
            &self.model_versions,
            before.map_or(&[], |b| &b.model_versions[..]),
            |v| &v.id,
        );
        let (endpoints, deleted_endpoints) = touched(
            &self.endpoints,
            before.map_or(&[], |b| &b.endpoints[..]),
            |e| &e.resource.name,
        );
        let (deployments, deleted_deployments) = touched(
            &self.deployments,
            before.map_or(&[], |b| &b.deployments[..]),
            |d| &d.resource.id,
        );
        let (batch_endpoints, deleted_batch_endpoints) = touched(
            &self.batch_endpoints,
            before.map_or(&[], |b| &b.batch_endpoints[..]),
            |e| &e.resource.name,
        );
        let (batch_deployments, deleted_batch_deployments) = touched(
            &self.batch_deployments,
            before.map_or(&[], |b| &b.batch_deployments[..]),
            |d| &d.resource.id,
        );
        AssetChanges {
            datastores,
            deleted_datastores,
            data,
            data_versions,
            models: ModelChanges {
                containers,
                deleted,
                versions,
                deleted_versions,
            },
            endpoints: EndpointChanges {
                endpoints,
                deleted: deleted_endpoints,
                deployments,
                deleted_deployments,
                batch_endpoints,
                deleted_batch_endpoints,
                batch_deployments,
                deleted_batch_deployments,
            },
        }
    }

    /// Whether nothing changed since `before` (an earlier state whose computes were kept alive).
    pub fn unchanged_since(&self, before: &Workspace) -> bool {
        same(&self.computes, &before.computes)
            && same(&self.datastores, &before.datastores)
            && same(&self.data, &before.data)
            && same(&self.data_versions, &before.data_versions)
            && same(&self.models, &before.models)
            && same(&self.model_versions, &before.model_versions)
            && same(&self.endpoints, &before.endpoints)
            && same(&self.deployments, &before.deployments)
            && same(&self.batch_endpoints, &before.batch_endpoints)
            && same(&self.batch_deployments, &before.batch_deployments)
            && self.without_assets() == before.without_assets()
    }

    /// Applies what a change did (see [`Workspace::changes_since`]).
    pub fn apply_changes(&mut self, changes: Changes) {
        put_back(
            &mut self.computes,
            changes.computes,
            &changes.deleted,
            |c| &c.resource.name,
        );
        put_back(
            &mut self.datastores,
            changes.datastores,
            &changes.deleted_datastores,
            |d| &d.resource.name,
        );
        put_back(&mut self.data, changes.data, &[], |d| &d.name);
        put_back(&mut self.data_versions, changes.data_versions, &[], |v| {
            &v.id
        });
        let models = changes.models;
        put_back(&mut self.models, models.containers, &models.deleted, |m| {
            &m.name
        });
        put_back(
            &mut self.model_versions,
            models.versions,
            &models.deleted_versions,
            |v| &v.id,
        );
        let endpoints = changes.endpoints;
        put_back(
            &mut self.endpoints,
            endpoints.endpoints,
            &endpoints.deleted,
            |e| &e.resource.name,
        );
        put_back(
            &mut self.deployments,
            endpoints.deployments,
            &endpoints.deleted_deployments,
            |d| &d.resource.id,
        );
        put_back(
            &mut self.batch_endpoints,
            endpoints.batch_endpoints,
            &endpoints.deleted_batch_endpoints,
            |e| &e.resource.name,
        );
        put_back(
            &mut self.batch_deployments,
            endpoints.batch_deployments,
            &endpoints.deleted_batch_deployments,
            |d| &d.resource.id,
        );
        let mut activity = changes.activity;
        activity.append(&mut self.activity);
        activity.truncate(ACTIVITY_KEPT);
        self.activity = activity;
        self.settled_at = changes.settled_at;
        self.serial = changes.serial;
        if let Some(held) = changes.held_elsewhere {
            self.held_elsewhere = held;
        }
    }
}

/// Whether two lists hold the very same items (by address), in the same order.
fn same<T>(a: &[Arc<T>], b: &[Arc<T>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| Arc::ptr_eq(x, y))
}

/// The items of `now` made or changed since `then` (an earlier state of the list whose items
/// were kept alive while this one changed), and the keys (`key`: a name, or an id) of those
/// gone. An item copied on change has a new address, so finding them costs a pointer each.
pub(crate) fn touched<T: PartialEq>(
    now: &[Arc<T>],
    then: &[Arc<T>],
    key: fn(&T) -> &String,
) -> (Vec<Arc<T>>, Vec<String>) {
    let now_at: HashSet<*const T> = now.iter().map(Arc::as_ptr).collect();
    let then_at: HashSet<*const T> = then.iter().map(Arc::as_ptr).collect();
    // Items that left or were replaced, by key; a replaced one may have ended up equal.
    let gone: HashMap<&str, &Arc<T>> = then
        .iter()
        .filter(|c| !now_at.contains(&Arc::as_ptr(c)))
        .map(|c| (key(c).as_str(), c))
        .collect();
    let fresh: Vec<&Arc<T>> = now
        .iter()
        .filter(|c| !then_at.contains(&Arc::as_ptr(c)))
        .collect();
    let keys: HashSet<&str> = fresh.iter().map(|c| key(c).as_str()).collect();
    let mut deleted: Vec<String> = gone
        .keys()
        .filter(|k| !keys.contains(*k))
        .map(|k| (*k).to_owned())
        .collect();
    deleted.sort();
    let changed = fresh
        .into_iter()
        .filter(|c| gone.get(key(c).as_str()) != Some(c))
        .cloned()
        .collect();
    (changed, deleted)
}

/// Puts changed items in place of theirs (by key, without regard to case) or at the end, and
/// takes out those whose keys are in `deleted`.
fn put_back<T>(
    list: &mut Vec<Arc<T>>,
    changed: Vec<Arc<T>>,
    deleted: &[String],
    key: fn(&T) -> &String,
) {
    for item in changed {
        match list
            .iter_mut()
            .find(|old| key(old).eq_ignore_ascii_case(key(&item)))
        {
            Some(old) => *old = item,
            None => list.push(item),
        }
    }
    list.retain(|item| !deleted.iter().any(|d| d.eq_ignore_ascii_case(key(item))));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::lifecycle::Operation;
    use crate::workspace::seed::DEFAULT_MEMBER;

    const NOW: i64 = 1_780_000_000_000;

    fn lab() -> Workspace {
        let mut w = Workspace::seed(NOW);
        let body = r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS1_v2"}}}"#;
        for name in ["ci-a", "ci-b", "ci-c"] {
            let request = serde_json::from_str(body).unwrap();
            w.put_compute(DEFAULT_MEMBER, name, request, NOW).unwrap();
        }
        w.settle(NOW + 3_600_000);
        w
    }

    #[test]
    fn a_change_is_the_computes_it_touched_and_applies_back() {
        let before = lab();
        let mut after = before.clone();
        after
            .operate(DEFAULT_MEMBER, "ci-b", Operation::Stop, NOW + 3_600_001)
            .unwrap();
        after
            .delete(DEFAULT_MEMBER, "ci-c", NOW + 3_600_002)
            .unwrap();
        after.settle(NOW + 7_200_000);
        let changes = after.changes_since(&before).unwrap();
        let names: Vec<&str> = changes
            .computes
            .iter()
            .map(|c| c.resource.name.as_str())
            .collect();
        assert_eq!(names, ["ci-b"]);
        assert_eq!(changes.deleted, ["ci-c"]);
        assert_eq!(changes.activity.len(), 2);
        // Through JSON, as a studio gets it.
        let text = serde_json::to_string(&changes).unwrap();
        let mut studio = before.clone();
        studio.apply_changes(crate::arm::json_de::from_json(&text).unwrap());
        assert_eq!(studio, after);
    }

    #[test]
    fn nothing_touched_is_empty_and_other_changes_are_not_carried() {
        let before = lab();
        let mut after = before.clone();
        after.settle(NOW + 3_600_005);
        assert!(after.changes_since(&before).unwrap().is_empty());
        after.settings.pace = crate::compute::lifecycle::Pace::Realistic;
        assert_eq!(after.changes_since(&before), None);
    }
}
