//! Who is signed in, what they see of the installation, and the notifications: the part of
//! the store the start page has before any workspace is open.

use super::{browser, remote, Backend, LocalStore};
use super::{now_ms, Preference};
use azimuth_core::workspace::overview::Installation;
use azimuth_core::workspace::Tenant;
use azimuth_core::ArmError;
use leptos::prelude::*;

/// What the sign-in page says when a session ended on the server.
pub const SESSION_ENDED_NOTICE: &str = "Your session ended: it expired, or an Owner of the installation reset your account. Sign in again.";

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

/// Who is signed in, what they see of the installation, and the notifications; cheap to copy
/// into closures. The start page has a session and no open workspace.
#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in person's name.
    pub member_name: RwSignal<String>,
    /// Notifications to show.
    pub notices: RwSignal<Vec<Notice>>,
    /// The installation as this person sees it.
    pub installation: RwSignal<Installation>,
    pub(super) backend: Backend,
}

/// The session provided to the whole app.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// The browser store's session over a loaded installation.
    pub fn browser(local: LocalStore, tenant: &Tenant, member_name: String) -> Self {
        Self {
            installation: RwSignal::new(tenant.overview(&member_name)),
            member_name: RwSignal::new(member_name),
            notices: RwSignal::new(Vec::new()),
            backend: Backend::Browser(local),
        }
    }

    /// The server store's session, signed in with `token`.
    pub fn server(token: String, installation: Installation, member_name: String) -> Self {
        Self {
            installation: RwSignal::new(installation),
            member_name: RwSignal::new(member_name),
            notices: RwSignal::new(Vec::new()),
            backend: Backend::Server(StoredValue::new(token)),
        }
    }

    /// Whether the installation is shared through a server (people sign in) rather than kept
    /// in this browser (anyone may act as anyone).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Server(_))
    }

    pub(super) fn token(&self) -> Option<String> {
        match self.backend {
            Backend::Server(token) => Some(token.get_value()),
            Backend::Browser(_) => None,
        }
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

    /// Reports an error as a notification and returns it unchanged (a success clears the
    /// failures of the same action); an ended session sends the person back to sign in.
    pub(super) fn report<T>(&self, what: &str, result: Result<T, ArmError>) -> Result<T, ArmError> {
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

    /// Signs in as another person (the demo identity of browser mode).
    pub fn switch_member(&self, name: &str) {
        browser::save_preference(Preference::Member, name);
        self.member_name.set(name.to_owned());
        if let Backend::Browser(local) = self.backend {
            self.installation.set(local.tenant().overview(name));
        }
    }

    /// Signs out of the server and goes back to the sign-in page.
    pub async fn sign_out(&self) {
        if let Some(token) = self.token() {
            remote::sign_out(&token).await;
        }
        self.leave("You signed out.");
    }

    /// The session ended on the server (it expired, or an Owner reset or removed the person):
    /// back to the sign-in page, which says so.
    pub(super) fn session_ended(&self) {
        self.leave(SESSION_ENDED_NOTICE);
    }

    /// Forgets the session and reloads, which opens the sign-in page at the same address with
    /// `why` above it.
    fn leave(&self, why: &str) {
        browser::forget_preference(Preference::Session);
        browser::save_preference(Preference::SignInNotice, why);
        let _ = window().location().reload();
    }

    /// Changes the installation saved in this browser through the engine at the current
    /// instant, saves it and only then shows it; on any error nothing changes.
    pub(super) async fn change_tenant<T>(
        &self,
        local: LocalStore,
        f: impl FnOnce(&mut Tenant, &str, i64) -> Result<T, ArmError>,
    ) -> Result<(T, Tenant), ArmError> {
        let me = self.member_name.get_untracked();
        let now = now_ms();
        let (out, tenant) = local
            .change(|tenant| {
                let out = f(tenant, &me, now)?;
                // Whatever is due now (an instant-paced operation) is done before anyone sees it.
                tenant.settle(now);
                Ok(out)
            })
            .await?;
        self.installation.set(tenant.overview(&me));
        Ok((out, tenant))
    }
}
