//! The Store the pages call. It holds the workspace as a signal and carries out every change
//! through azimuth-core, so pages never decide a rule themselves. `local` keeps the workspace in
//! the browser's localStorage; a server-backed store arrives with the shared-workspace issue.

mod browser;
mod live;
mod local;

pub use browser::{
    copy_to_clipboard, download, load_preference, now_ms, save_preference, Preference,
};
pub use live::start_live_updates;
pub use local::{LoadProblem, LocalStore};

use azimuth_core::roles::{Action, Member};
use azimuth_core::{ArmError, ComputeResource, Operation, Pace, Workspace};
use leptos::prelude::*;

/// A notification the shell shows in its toast area.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Increasing id, for dismissing.
    pub id: u64,
    /// Whether it reports a failure.
    pub is_error: bool,
    /// Short title.
    pub title: String,
    /// Details.
    pub body: String,
}

/// The studio's access to the workspace; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Store {
    /// The workspace as last settled.
    pub workspace: RwSignal<Workspace>,
    /// The signed-in member's name.
    pub member_name: RwSignal<String>,
    /// Notifications to show.
    pub notices: RwSignal<Vec<Notice>>,
    local: LocalStore,
}

/// The store provided to the whole app.
pub fn use_store() -> Store {
    expect_context::<Store>()
}

impl Store {
    /// Wraps a loaded local store.
    pub fn new(local: LocalStore, workspace: Workspace, member_name: String) -> Self {
        Self {
            workspace: RwSignal::new(workspace),
            member_name: RwSignal::new(member_name),
            notices: RwSignal::new(Vec::new()),
            local,
        }
    }

    /// The signed-in member (reactive).
    pub fn me(&self) -> Member {
        let name = self.member_name.get();
        self.workspace.with(|w| {
            w.member(&name)
                .cloned()
                .unwrap_or_else(|| w.members[0].clone())
        })
    }

    /// Why the signed-in member may not do `action`, for disabled buttons' tooltips (reactive).
    pub fn refusal(&self, action: Action) -> Option<String> {
        self.me().refusal(action)
    }

    /// Signs in as another member of the workspace (the demo identity of browser mode).
    pub fn switch_member(&self, name: &str) {
        browser::save_preference(Preference::Member, name);
        self.member_name.set(name.to_owned());
    }

    /// Shows a notification.
    pub fn notify(&self, is_error: bool, title: impl Into<String>, body: impl Into<String>) {
        let id = js_sys::Date::now() as u64;
        self.notices.update(|n| {
            let id = n.last().map_or(id, |last| last.id.max(id) + 1);
            n.push(Notice {
                id,
                is_error,
                title: title.into(),
                body: body.into(),
            });
            if n.len() > 4 {
                n.remove(0);
            }
        });
    }

    /// Applies a change through the engine at the current instant, saves it, and only then shows
    /// it; on any error (the engine's or a full storage) nothing changes and the error is returned.
    /// The change starts from the saved workspace, not this tab's copy, so a change another tab
    /// saved a moment ago is never overwritten, and an unreadable saved value is never replaced.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut Workspace, &str, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let mut next = self.local.load().map_err(|problem| {
            ArmError::new(
                "StorageUnreadable",
                format!("{problem} Nothing was changed; reload the page to recover the workspace."),
            )
        })?;
        let me = self.member_name.get_untracked();
        let now = now_ms();
        let out = f(&mut next, &me, now)?;
        // Whatever is due now (an instant-paced operation) is done before anyone sees it.
        next.settle(now);
        self.local.save(&next)?;
        self.workspace.set(next);
        Ok(out)
    }

    /// Reports an error as a notification and returns it unchanged.
    fn report<T>(&self, what: &str, result: Result<T, ArmError>) -> Result<T, ArmError> {
        if let Err(e) = &result {
            self.notify(true, what.to_owned(), e.message().to_owned());
        }
        result
    }

    /// Creates a compute instance from its ARM request body.
    pub fn create_instance(&self, name: &str, body: ComputeResource) -> Result<(), ArmError> {
        let result = self.change(|w, me, now| w.create_instance(me, name, body, now).map(|_| ()));
        if result.is_ok() {
            self.notify(
                false,
                "Compute instance requested",
                format!("Azimuth accepted {name}; it shows Running when it is ready."),
            );
        }
        self.report("Could not create the compute instance", result)
    }

    /// Starts, stops, restarts or deletes computes, one notification per failure; returns
    /// whether every one was accepted.
    pub fn operate(&self, names: &[String], op: Operation) -> bool {
        let mut all = true;
        for name in names {
            let result = self.change(|w, me, now| w.operate(me, name, op, now));
            let what = format!("Could not {} {name}", op.as_str().to_ascii_lowercase());
            let ok = self.report(&what, result).is_ok();
            if ok {
                let title = format!("{} {name}", op.transient_state());
                self.notify(
                    false,
                    title,
                    format!("{} requested for compute instance {name}.", op.as_str()),
                );
            }
            all &= ok;
        }
        all
    }

    /// Opens one of an instance's applications; returns its address.
    pub fn open_application(&self, name: &str, app: &str) -> Result<String, ArmError> {
        let result = self.change(|w, me, now| w.open_application(me, name, app, now));
        self.report(&format!("Could not open {app}"), result)
    }

    /// Changes the pace of simulated operations.
    pub fn set_pace(&self, pace: Pace) {
        let result = self.change(|w, me, now| w.set_pace(me, pace, now));
        let _ = self.report("Could not change the pace", result);
    }

    /// Re-reads the workspace from storage (the toolbar's Refresh).
    pub fn refresh(&self) {
        match self.local.load() {
            Ok(mut ws) => {
                ws.settle(now_ms());
                self.workspace.set(ws);
            }
            Err(problem) => self.notify(true, "Could not refresh", problem.to_string()),
        }
    }

    /// Settles the workspace at `now` when something was due; nothing is written.
    pub fn tick(&self, now: i64) {
        let due = self
            .workspace
            .with_untracked(|w| w.next_event_at())
            .is_some_and(|t| t <= now);
        if due {
            self.workspace.update(|w| {
                w.settle(now);
            });
        }
    }

    /// Takes the workspace another tab saved.
    pub fn adopt(&self, mut ws: Workspace) {
        ws.settle(now_ms());
        self.workspace.set(ws);
    }
}
