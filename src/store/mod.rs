//! The Store the pages call. It holds the workspace as a signal and carries out every change
//! through azimuth-core, so pages never decide a rule themselves. The installation (its
//! workspaces, people and roles) lives in one of two homes, and pages cannot tell which: `local`
//! keeps it in the browser's IndexedDB and runs the engine in the page; `remote` sends each
//! change to azimuth-server, whose engine decides it, and takes the result back from there.
//! A [`Session`] is who is signed in and what they see of the installation; a [`Store`] adds
//! the one workspace the studio has open. One file per asset: `compute`, `data`, `endpoints`,
//! `jobs`, `models`, `notebooks`, `workspaces`.

mod access;
mod batch;
mod browser;
mod compute;
mod data;
mod endpoints;
mod idb;
mod jobs;
pub mod kernels;
mod live;
mod local;
mod models;
mod notebooks;
mod opfs;
mod opfs_tree;
mod people;
pub mod remote;
mod scorer;
mod scoring;
mod session;
mod training;
mod worker;
mod workspaces;

pub use access::AssignmentRow;
pub use azimuth_core::jobs::experiment::ExperimentSummary;
pub use batch::{BatchInput, BatchJobRow, BatchPlan};
pub use browser::{
    copy_to_clipboard, download, download_blob, forget_preference, load_preference, now_ms,
    save_preference, sleep_ms, Preference,
};
pub use data::{Part, Upload};
pub use endpoints::{DeployPlan, Scored};
pub use notebooks::{saved_by_someone_else, TextFile};
pub use remote::{ScriptToken, Series, TableRequest};

/// The first `bytes` of a file picked on this computer, and whether that is all of it.
pub async fn read_local_start(file: &web_sys::File, bytes: u64) -> Result<(Vec<u8>, bool), String> {
    opfs::blob_part(file, bytes as f64, Part::Start)
        .await
        .map_err(|e| format!("The browser could not read {}: {}.", file.name(), e.message))
}
pub use live::{start_live_updates, start_server_updates};
pub use local::{random_guid, start_afresh, LoadProblem, LocalStore};
pub use session::{use_session, Notice, Session, SESSION_ENDED_NOTICE};
pub use workspaces::NewWorkspace;

use azimuth_core::workspace::roles::{Action, Member};
use azimuth_core::workspace::Tenant;
use azimuth_core::{ArmError, Workspace};
use leptos::prelude::*;

/// Where the installation lives.
#[derive(Clone, Copy)]
enum Backend {
    /// In this browser's IndexedDB.
    Browser(LocalStore),
    /// On azimuth-server, reached with this session token.
    Server(StoredValue<String>),
}

/// The studio's access to the open workspace; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Store {
    /// Who is signed in and what they see of the installation.
    pub session: Session,
    /// The workspace as last settled.
    pub workspace: RwSignal<Workspace>,
    /// The signed-in member's name (the session's).
    pub member_name: RwSignal<String>,
    /// Notifications to show (the session's).
    pub notices: RwSignal<Vec<Notice>>,
    backend: Backend,
    /// Workspace reads from the server: (last sent, last shown), so a late answer never
    /// replaces a newer one.
    pulls: StoredValue<(u64, u64)>,
    /// The server's version of the workspace shown (0 in browser mode): a read or an event of an
    /// earlier version is already in it.
    version: StoredValue<u64>,
    /// Whether the last read from the server failed (its notice is shown once).
    offline: StoredValue<bool>,
    /// Bumped when the server says runs of this workspace changed.
    runs_changed: RwSignal<u64>,
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
    /// The store of `workspace`, opened in `session`.
    pub fn open(session: Session, workspace: Workspace) -> Self {
        Self {
            session,
            workspace: RwSignal::new(workspace),
            member_name: session.member_name,
            notices: session.notices,
            backend: session.backend,
            pulls: StoredValue::new((0, 0)),
            version: StoredValue::new(0),
            offline: StoredValue::new(false),
            clock_skew: StoredValue::new(0),
            runs_changed: RwSignal::new(0),
        }
    }

    /// The workspace's time: this browser's clock, set by the server's in server mode.
    pub fn now(&self) -> i64 {
        now_ms() + self.clock_skew.get_value()
    }

    /// The installation's version the workspace shown was read at (its event stream's first
    /// event then needs no read when it says nothing newer).
    pub fn set_version(&self, version: u64) {
        self.version.set_value(version);
    }

    /// Takes the server's time from its last answer, if it gave it.
    pub fn set_server_time(&self, server_time: Option<i64>) {
        if let Some(t) = server_time {
            self.clock_skew.set_value(t - now_ms());
        }
    }

    /// Whether the workspace is shared through a server (people sign in) rather than kept in
    /// this browser (anyone may act as any member).
    pub fn is_shared(&self) -> bool {
        self.session.is_shared()
    }

    fn token(&self) -> Option<String> {
        self.session.token()
    }

    /// The open workspace's ARM id.
    pub fn workspace_id(&self) -> String {
        self.workspace.with_untracked(|w| w.id().to_owned())
    }

    /// The signed-in member (reactive); someone who lost their role here acts as a Reader
    /// (nothing enabled) until the studio reloads into the no-access page.
    pub fn me(&self) -> Member {
        let name = self.member_name.get();
        self.workspace.with(|w| {
            w.member(&name).cloned().unwrap_or(Member {
                name,
                user_name: String::new(),
                object_id: String::new(),
                role: azimuth_core::workspace::roles::Role::Reader,
                more_roles: Vec::new(),
            })
        })
    }

    /// Why the signed-in member may not do `action`, for disabled buttons' tooltips (reactive).
    pub fn refusal(&self, action: Action) -> Option<String> {
        self.me().refusal(action)
    }

    /// Shows a notification.
    pub fn notify(&self, is_error: bool, title: impl Into<String>, body: impl Into<String>) {
        self.session.notify(is_error, title, body);
    }

    /// Applies a change to the open workspace through the engine at the current instant,
    /// saves it, and only then shows it; on any error (the engine's or a full storage) nothing
    /// changes and the error is returned. The change starts from the saved installation, not
    /// this tab's copy, so a change another tab saved a moment ago is never overwritten, and an
    /// unreadable saved value is never replaced.
    async fn change<T>(
        &self,
        local: LocalStore,
        f: impl FnOnce(&mut Workspace, &str, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let id = self.workspace_id();
        self.change_in_tenant(local, |t, me, now| f(t.workspace_mut(&id)?, me, now))
            .await
    }

    /// Like [`Store::change`], with the whole installation at hand (e.g. compute names are
    /// unique in a region across workspaces).
    async fn change_in_tenant<T>(
        &self,
        local: LocalStore,
        f: impl FnOnce(&mut Tenant, &str, i64) -> Result<T, ArmError>,
    ) -> Result<T, ArmError> {
        let id = self.workspace_id();
        let (out, tenant) = self.session.change_tenant(local, f).await?;
        if let Some(ws) = tenant.workspace(&id) {
            self.workspace.set(ws.clone());
        }
        Ok(out)
    }

    /// Reports an error as a notification and returns it unchanged.
    fn report<T>(&self, what: &str, result: Result<T, ArmError>) -> Result<T, ArmError> {
        self.session.report(what, result)
    }

    /// Reads the workspace again (the toolbar's Refresh).
    pub fn refresh(&self) {
        let store = *self;
        leptos::task::spawn_local(async move {
            match store.backend {
                Backend::Browser(local) => match local.reload().await {
                    Ok(tenant) => store.adopt(tenant),
                    Err(problem) => store.notify(true, "Could not refresh", problem.to_string()),
                },
                Backend::Server(_) => store.pull().await,
            }
        });
    }

    /// Takes the workspace from the server (nothing in browser mode, whose changes are already
    /// shown). Answers that arrive out of order are dropped; a failure is reported once until
    /// the server answers again.
    pub async fn pull(&self) {
        let Some(token) = self.token() else { return };
        let seq = self.pulls.with_value(|(sent, _)| sent + 1);
        self.pulls.update_value(|(sent, _)| *sent = seq);
        match remote::workspace(&token, &self.workspace_id()).await {
            Ok((ws, server_time, version)) => {
                if self.offline.get_value() {
                    self.offline.set_value(false);
                    self.notify(false, "Connected again", "The workspace is up to date.");
                }
                let newer = version >= self.version.get_value();
                if newer && self.pulls.with_value(|(_, shown)| *shown < seq) {
                    self.pulls.update_value(|(_, shown)| *shown = seq);
                    self.version.set_value(version);
                    self.set_server_time(server_time);
                    self.workspace.set(ws);
                }
            }
            Err(e) if e.code() == remote::SESSION_ENDED => self.session.session_ended(),
            // The person lost their role here, or the workspace was deleted: the studio opens
            // anew, on the page that says so.
            Err(e) if matches!(e.code(), "AuthorizationFailed" | "ResourceNotFound") => {
                let _ = window().location().reload();
            }
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
        self.session.switch_member(name);
    }

    /// Signs out of the server and goes back to the sign-in page.
    pub async fn sign_out(&self) {
        self.session.sign_out().await;
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

    /// Takes the installation another tab saved: the open workspace as it is there (or a notice
    /// when it was deleted there), and what the person sees.
    pub fn adopt(&self, mut tenant: Tenant) {
        tenant.settle(now_ms());
        let me = self.member_name.get_untracked();
        self.session.installation.set(tenant.overview(&me));
        match tenant.workspace(&self.workspace_id()) {
            Some(ws) => self.workspace.set(ws.clone()),
            None => self.notify(
                true,
                "This workspace was deleted",
                "It was deleted in another tab. Open the list of workspaces to recover it or choose another.",
            ),
        }
    }
}
