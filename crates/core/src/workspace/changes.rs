//! What a change did to a workspace, small enough to send to every studio: the computes it made
//! or changed, the names of those it deleted and the new lines of recent activity. A copy of a
//! workspace shares its computes with the original until one is changed (`Arc::make_mut`), so
//! the computes a change touched are the ones whose address moved: finding them costs a pointer
//! per compute, not a comparison of every compute.

use super::{Activity, Workspace, ACTIVITY_KEPT};
use crate::compute::quota::HeldElsewhere;
use crate::compute::StoredCompute;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The computes and activity a change made; applied to the workspace as it was before, it gives
/// the workspace as it is after.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// The workspace's settled instant after the change.
    pub settled_at: i64,
    /// The workspace's counter after the change.
    pub serial: u64,
    /// What the region's other workspaces hold, when that changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_elsewhere: Option<HeldElsewhere>,
}

/// Everything of a workspace that [`Changes`] does not carry, for telling whether it changed.
fn rest(w: &Workspace) -> Workspace {
    Workspace {
        activity: Vec::new(),
        settled_at: 0,
        serial: 0,
        held_elsewhere: HeldElsewhere::default(),
        ..w.without_computes()
    }
}

impl Changes {
    /// Whether nothing changed but the settled instant and the counter.
    pub fn is_empty(&self) -> bool {
        self.computes.is_empty()
            && self.deleted.is_empty()
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
        let now: HashSet<*const StoredCompute> = self.computes.iter().map(Arc::as_ptr).collect();
        let then: HashSet<*const StoredCompute> = before.computes.iter().map(Arc::as_ptr).collect();
        // Computes that left or were replaced, by name; a replaced one may have ended up equal.
        let gone: HashMap<&str, &Arc<StoredCompute>> = before
            .computes
            .iter()
            .filter(|c| !now.contains(&Arc::as_ptr(c)))
            .map(|c| (c.resource.name.as_str(), c))
            .collect();
        let fresh: Vec<&Arc<StoredCompute>> = self
            .computes
            .iter()
            .filter(|c| !then.contains(&Arc::as_ptr(c)))
            .collect();
        let names: HashSet<&str> = fresh.iter().map(|c| c.resource.name.as_str()).collect();
        let mut deleted: Vec<String> = gone
            .keys()
            .filter(|name| !names.contains(*name))
            .map(|name| (*name).to_owned())
            .collect();
        deleted.sort();
        let computes = fresh
            .into_iter()
            .filter(|c| gone.get(c.resource.name.as_str()) != Some(c))
            .cloned()
            .collect();
        (computes, deleted)
    }

    /// Whether nothing changed since `before` (an earlier state whose computes were kept alive).
    pub fn unchanged_since(&self, before: &Workspace) -> bool {
        self.computes.len() == before.computes.len()
            && self
                .computes
                .iter()
                .zip(&before.computes)
                .all(|(a, b)| Arc::ptr_eq(a, b))
            && self.without_computes() == before.without_computes()
    }

    /// Applies what a change did (see [`Workspace::changes_since`]).
    pub fn apply_changes(&mut self, changes: Changes) {
        for c in changes.computes {
            match self
                .computes
                .iter_mut()
                .find(|old| old.resource.name.eq_ignore_ascii_case(&c.resource.name))
            {
                Some(old) => *old = c,
                None => self.computes.push(c),
            }
        }
        self.computes.retain(|c| {
            !changes
                .deleted
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&c.resource.name))
        });
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
