//! Guided labs: a lab is one data file (its title and steps, each with a check); a step ticks
//! itself from what the person really did in the studio (pages visited, ☰ toggled) and from the
//! workspace's real state (a compute instance with the lab's settings, Running). Another lab is
//! another file; the kinds of check are here.

use super::roles::Member;
use super::Workspace;
use crate::arm::json_de::FromValue;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A lab as its data file describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Lab {
    /// A short id, e.g. `explore-workspace`.
    pub id: String,
    /// The lab's title.
    pub title: String,
    /// Where it comes from (a Microsoft Learn module).
    #[serde(default)]
    pub source: String,
    /// The steps, in order.
    pub steps: Vec<LabStep>,
}

/// One step of a lab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct LabStep {
    /// What to do, in the lab's words.
    pub title: String,
    /// More about it.
    #[serde(default)]
    pub detail: String,
    /// How the studio knows it is done.
    pub check: Check,
}

/// How a step knows it is done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Check {
    /// The studio is open on a workspace.
    StudioOpened,
    /// The person toggled ☰.
    NavToggled,
    /// The person opened a page (a path, e.g. `/compute/instances`).
    Visited {
        /// The page's path.
        path: String,
    },
    /// A compute instance of the person's (created by them, assigned to them) with these
    /// settings exists, in this state when one is given.
    Instance {
        /// Its size, e.g. `Standard_DS11_v2`.
        #[serde(default)]
        size: Option<String>,
        /// `Running`, when the step waits for it.
        #[serde(default)]
        state: Option<String>,
        /// Whether SSH access must be off.
        #[serde(default)]
        no_ssh: bool,
        /// Whether it must not be in a virtual network.
        #[serde(default)]
        no_virtual_network: bool,
    },
}

/// What the person did in the studio, for the checks that are not the workspace's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromValue)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Paths opened.
    #[serde(default)]
    pub visited: BTreeSet<String>,
    /// Whether ☰ was toggled.
    #[serde(default)]
    pub nav_toggled: bool,
}

impl Check {
    /// Whether the check holds for `me` in `ws`, after what they did.
    pub fn holds(&self, ws: &Workspace, me: &Member, progress: &Progress) -> bool {
        match self {
            Self::StudioOpened => true,
            Self::NavToggled => progress.nav_toggled,
            Self::Visited { path } => progress.visited.contains(path),
            Self::Instance {
                size,
                state,
                no_ssh,
                no_virtual_network,
            } => ws.instances().any(|c| {
                let inner = &c.resource.properties.properties;
                let mine = inner
                    .personal_compute_instance_settings
                    .as_ref()
                    .is_none_or(|s| s.assigned_user.object_id == me.object_id)
                    && inner
                        .created_by
                        .as_ref()
                        .is_none_or(|b| b.user_id == me.object_id);
                let ssh_off = inner
                    .ssh_settings
                    .as_ref()
                    .is_none_or(|s| s.ssh_public_access != "Enabled");
                mine && size
                    .as_ref()
                    .is_none_or(|s| inner.vm_size.eq_ignore_ascii_case(s))
                    && state
                        .as_ref()
                        .is_none_or(|s| inner.state.as_deref() == Some(s.as_str()))
                    && (!no_ssh || ssh_off)
                    && (!no_virtual_network || inner.subnet.is_none())
            }),
        }
    }
}

impl Lab {
    /// Whether each step is done.
    pub fn ticks(&self, ws: &Workspace, me: &Member, progress: &Progress) -> Vec<bool> {
        self.steps
            .iter()
            .map(|s| s.check.holds(ws, me, progress))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::seed::EXAMPLE_TENANT;
    use crate::workspace::Tenant;

    #[test]
    fn steps_tick_from_what_was_done_and_the_real_state() {
        let lab: Lab = serde_json::from_str(include_str!(
            "../../../../public/labs/explore-workspace.json"
        ))
        .unwrap();
        let mut t = Tenant::seed(0, EXAMPLE_TENANT, None);
        t.workspaces[0].settings.pace = crate::Pace::Fast;
        let id = t.workspaces[0].id().to_owned();
        let ada = t.workspaces[0].member("Ada Lovelace").unwrap().clone();
        let mut progress = Progress::default();
        let ticks = |t: &Tenant, p: &Progress| lab.ticks(&t.workspaces[0], &ada, p);
        assert_eq!(
            ticks(&t, &progress).iter().filter(|d| **d).count(),
            1,
            "only the studio is open"
        );
        progress.visited.insert("/".into());
        progress.nav_toggled = true;
        progress.visited.insert("/compute/instances".into());
        let body = serde_json::from_value(serde_json::json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}})).unwrap();
        t.create_compute(&id, "Ada Lovelace", "ci-lab", body, 1_000)
            .unwrap();
        let done = ticks(&t, &progress);
        assert_eq!(
            done.iter().filter(|d| **d).count(),
            done.len() - 1,
            "all but Running: {done:?}"
        );
        t.settle(60_000);
        assert!(ticks(&t, &progress).iter().all(|d| *d));
        // Somebody else's instance does not count for Grace.
        let grace = t.workspaces[0].member("Grace Hopper").unwrap().clone();
        assert!(!lab
            .ticks(&t.workspaces[0], &grace, &progress)
            .iter()
            .all(|d| *d));
    }
}
