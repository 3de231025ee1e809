//! The Store the pages call. It holds the workspace as a signal and carries out every change
//! through azimuth-core, so pages never decide a rule themselves. The workspace lives in one of
//! two homes, and pages cannot tell which: `local` keeps it in the browser's localStorage and runs
//! the engine in the page; `remote` sends each change to azimuth-server, whose engine decides it,
//! and takes the workspace back from there.

mod browser;
mod live;
mod local;
pub mod remote;

pub use browser::{
    copy_to_clipboard, download, forget_preference, load_preference, now_ms, save_preference,
    Preference,
};
pub use live::{start_live_updates, start_server_updates};
pub use local::{LoadProblem, LocalStore};

use azimuth_core::compute::cluster::is_cluster;
use azimuth_core::compute::ScaleSettings;
use azimuth_core::workspace::roles::{Action, Member};
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

/// Where the workspace lives.
#[derive(Clone, Copy)]
enum Backend {
    /// In this browser's localStorage.
    Browser(LocalStore),
    /// On azimuth-server, reached with this session token.
    Server(StoredValue<String>),
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
    backend: Backend,
    /// Workspace reads from the server: (last sent, last shown), so a late answer never
    /// replaces a newer one.
    pulls: StoredValue<(u64, u64)>,
    /// Whether the last read from the server failed (its notice is shown once).
    offline: StoredValue<bool>,
    /// How far the server's clock is ahead of this browser's, in milliseconds (0 in browser
    /// mode): a browser whose clock is off, or a server whose clock an Owner moved, still settles
    /// and warns at the workspace's own time.
    clock_skew: StoredValue<i64>,
}

/// The store provided to the whole app.
pub fn use_store() -> Store {
    expect_context::<Store>()
}

impl Store {
    fn new(backend: Backend, workspace: Workspace, member_name: String) -> Self {
        Self {
            workspace: RwSignal::new(workspace),
            member_name: RwSignal::new(member_name),
            notices: RwSignal::new(Vec::new()),
            backend,
            pulls: StoredValue::new((0, 0)),
            offline: StoredValue::new(false),
            clock_skew: StoredValue::new(0),
        }
    }

    /// The workspace's time: this browser's clock, set by the server's in server mode.
    pub fn now(&self) -> i64 {
        now_ms() + self.clock_skew.get_value()
    }

    /// Takes the server's time from its last answer, if it gave it.
    pub fn set_server_time(&self, server_time: Option<i64>) {
        if let Some(t) = server_time {
            self.clock_skew.set_value(t - now_ms());
        }
    }

    /// The browser store, over a workspace loaded from localStorage.
    pub fn browser(local: LocalStore, workspace: Workspace, member_name: String) -> Self {
        Self::new(Backend::Browser(local), workspace, member_name)
    }

    /// The server store, for a signed-in session.
    pub fn server(token: String, workspace: Workspace, member_name: String) -> Self {
        Self::new(
            Backend::Server(StoredValue::new(token)),
            workspace,
            member_name,
        )
    }

    /// Whether the workspace is shared through a server (people sign in) rather than kept in
    /// this browser (anyone may act as any member).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Server(_))
    }

    fn token(&self) -> Option<String> {
        match self.backend {
            Backend::Server(token) => Some(token.get_value()),
            Backend::Browser(_) => None,
        }
    }

    fn workspace_id(&self) -> String {
        self.workspace.with_untracked(|w| w.id().to_owned())
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
        local: LocalStore,
        f: impl FnOnce(&mut Workspace, &str, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let mut next = local.load().map_err(|problem| {
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
        local.save(&next)?;
        self.workspace.set(next);
        Ok(out)
    }

    /// Reports an error as a notification and returns it unchanged (a success clears the
    /// failures of the same action); an ended session sends the person back to sign in.
    fn report<T>(&self, what: &str, result: Result<T, ArmError>) -> Result<T, ArmError> {
        match &result {
            Err(e) => {
                if e.code() == remote::SESSION_ENDED {
                    self.session_ended();
                }
                self.notify(true, what.to_owned(), e.message().to_owned());
            }
            // The same action done after all: its earlier failures are out of date.
            Ok(_) => {
                let stale = |n: &Notice| n.is_error && n.title == what;
                if self.notices.with_untracked(|n| n.iter().any(stale)) {
                    self.notices.update(|n| n.retain(|x| !stale(x)));
                }
            }
        }
        result
    }

    /// Creates a compute (an instance or a cluster) from its ARM request body.
    pub async fn create_compute(&self, name: &str, body: ComputeResource) -> Result<(), ArmError> {
        let cluster = is_cluster(&body);
        let attached = azimuth_core::compute::attach::attached_kind(&body);
        let result = match self.backend {
            Backend::Browser(local) => self.change(local, |w, me, now| {
                if cluster {
                    w.create_cluster(me, name, body, now).map(drop)
                } else if attached.is_some() {
                    w.attach_compute(me, name, body, now).map(drop)
                } else {
                    w.create_instance(me, name, body, now).map(drop)
                }
            }),
            Backend::Server(token) => {
                let id = self.workspace_id();
                let sent = remote::put_compute(&token.get_value(), &id, name, &body, true).await;
                self.pull().await;
                sent
            }
        };
        let (what, ready) = match (cluster, attached) {
            (_, Some(kind)) => (kind.noun(), "it shows Succeeded once it is connected"),
            (true, _) => (
                "compute cluster",
                "it keeps its minimum number of nodes once it is ready",
            ),
            _ => ("compute instance", "it shows Running when it is ready"),
        };
        let verb = if attached.is_some() {
            "attach"
        } else {
            "create"
        };
        if result.is_ok() {
            let title = match attached {
                Some(_) => format!("Attaching {what}"),
                None => format!("C{} requested", &what[1..]),
            };
            self.notify(false, title, format!("Azimuth accepted {name}; {ready}."));
        }
        self.report(&format!("Could not {verb} the {what}"), result)
    }

    /// Updates a compute with a PUT of its whole resource (ARM's update: an instance's idle
    /// shutdown, schedules, tags and description may change).
    pub async fn update_compute(&self, name: &str, body: ComputeResource) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => self.change(local, |w, me, now| {
                w.put_compute(me, name, body, now).map(drop)
            }),
            Backend::Server(token) => {
                let id = self.workspace_id();
                let sent = remote::put_compute(&token.get_value(), &id, name, &body, false).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(false, "Compute updated", format!("{name} was saved."));
        }
        self.report(&format!("Could not update {name}"), result)
    }

    /// Changes a cluster's node counts and idle time (ARM's PATCH of `scaleSettings`).
    pub async fn rescale_cluster(&self, name: &str, scale: ScaleSettings) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => self.change(local, |w, me, now| {
                let mut body = w
                    .compute(name)
                    .ok_or_else(|| {
                        ArmError::new(
                            "ResourceNotFound",
                            format!("The compute '{name}' was not found in this workspace."),
                        )
                    })?
                    .resource
                    .clone();
                body.properties.properties.scale_settings = Some(scale);
                w.put_compute(me, name, body, now).map(drop)
            }),
            Backend::Server(token) => {
                let id = self.workspace_id();
                let sent = remote::rescale_cluster(&token.get_value(), &id, name, &scale).await;
                self.pull().await;
                sent
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                format!("Resizing {name}"),
                "The cluster moves to its new node counts at the workspace's pace.",
            );
        }
        self.report(&format!("Could not resize {name}"), result)
    }

    /// Starts, stops, restarts or deletes computes, one notification per failure; returns
    /// whether every one was accepted.
    pub async fn operate(&self, names: &[String], op: Operation) -> bool {
        let mut all = true;
        for name in names {
            let result = match self.backend {
                Backend::Browser(local) => {
                    self.change(local, |w, me, now| w.operate(me, name, op, now))
                }
                Backend::Server(token) => {
                    let id = self.workspace_id();
                    remote::operate(&token.get_value(), &id, name, op).await
                }
            };
            let what = format!("Could not {} {name}", op.as_str().to_ascii_lowercase());
            let ok = self.report(&what, result).is_ok();
            if ok {
                let title = format!("{} {name}", op.transient_state());
                self.notify(
                    false,
                    title,
                    format!("{} requested for {name}.", op.as_str()),
                );
            }
            all &= ok;
        }
        self.pull().await;
        all
    }

    /// Opens one of an instance's applications; returns its address.
    pub async fn open_application(&self, name: &str, app: &str) -> Result<String, ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.open_application(me, name, app, now))
            }
            Backend::Server(token) => {
                let opened = remote::open_application(&token.get_value(), name, app).await;
                self.pull().await;
                opened
            }
        };
        self.report(&format!("Could not open {app}"), result)
    }

    /// "Skip this shutdown" of a running instance (its next idle shutdown or scheduled stop).
    pub async fn skip_shutdown(&self, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => {
                self.change(local, |w, me, now| w.skip_shutdown(me, name, now).map(drop))
            }
            Backend::Server(token) => {
                let skipped = remote::skip_shutdown(&token.get_value(), name).await;
                self.pull().await;
                skipped
            }
        };
        if result.is_ok() {
            self.notify(false, "Shutdown skipped", format!("{name} keeps running."));
        }
        self.report("Could not skip the shutdown", result)
    }

    /// Changes the pace of simulated operations (for everyone, on a shared workspace).
    pub async fn set_pace(&self, pace: Pace) {
        let result = match self.backend {
            Backend::Browser(local) => self.change(local, |w, me, now| w.set_pace(me, pace, now)),
            Backend::Server(token) => {
                let set = remote::set_pace(&token.get_value(), pace).await;
                self.pull().await;
                set
            }
        };
        let _ = self.report("Could not change the pace", result);
    }

    /// Reads the workspace again (the toolbar's Refresh).
    pub fn refresh(&self) {
        match self.backend {
            Backend::Browser(local) => match local.load() {
                Ok(mut ws) => {
                    ws.settle(now_ms());
                    self.workspace.set(ws);
                }
                Err(problem) => self.notify(true, "Could not refresh", problem.to_string()),
            },
            Backend::Server(_) => {
                let store = *self;
                leptos::task::spawn_local(async move { store.pull().await });
            }
        }
    }

    /// Takes the workspace from the server (nothing in browser mode, whose changes are already
    /// shown). Answers that arrive out of order are dropped; a failure is reported once until
    /// the server answers again.
    pub async fn pull(&self) {
        let Some(token) = self.token() else { return };
        let seq = self.pulls.with_value(|(sent, _)| sent + 1);
        self.pulls.update_value(|(sent, _)| *sent = seq);
        match remote::workspace(&token).await {
            Ok((ws, server_time)) => {
                if self.offline.get_value() {
                    self.offline.set_value(false);
                    self.notify(false, "Connected again", "The workspace is up to date.");
                }
                if self.pulls.with_value(|(_, shown)| *shown < seq) {
                    self.pulls.update_value(|(_, shown)| *shown = seq);
                    self.set_server_time(server_time);
                    self.workspace.set(ws);
                }
            }
            Err(e) if e.code() == remote::SESSION_ENDED => self.session_ended(),
            Err(e) => {
                if !self.offline.get_value() {
                    self.offline.set_value(true);
                    self.notify(
                        true,
                        "Lost touch with the server",
                        format!(
                            "{} The studio shows the workspace as it was and keeps trying.",
                            e.message()
                        ),
                    );
                }
            }
        }
    }

    /// Signs in as another member of the workspace (the demo identity of browser mode).
    pub fn switch_member(&self, name: &str) {
        browser::save_preference(Preference::Member, name);
        self.member_name.set(name.to_owned());
    }

    /// Signs out of the server and goes back to the sign-in page.
    pub async fn sign_out(&self) {
        if let Some(token) = self.token() {
            remote::sign_out(&token).await;
        }
        self.session_ended();
    }

    /// Forgets the session and reloads, which opens the sign-in page at the same address.
    fn session_ended(&self) {
        browser::forget_preference(Preference::Session);
        let _ = window().location().reload();
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
