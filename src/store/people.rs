//! The Session's people operations, for the installation's Owners: everyone with their password
//! state, add (one name per line of a class roster: all or none), reset (a new one-time code)
//! and remove. In the browser people are demo identities and have no passwords.

use super::remote::{self, PersonRow};
use super::{Backend, Session};
use azimuth_core::ArmError;
use leptos::prelude::*;

impl Session {
    /// Everyone in the installation.
    pub async fn people(&self) -> Result<Vec<PersonRow>, ArmError> {
        match self.backend {
            Backend::Browser(local) => {
                let tenant = local.tenant();
                Ok(tenant
                    .directory
                    .people
                    .iter()
                    .map(|p| PersonRow {
                        name: p.name.clone(),
                        user_name: p.user_name.clone(),
                        has_password: false,
                        code_waiting: false,
                        code: None,
                    })
                    .collect())
            }
            Backend::Server(token) => remote::people(&token.get_value()).await,
        }
    }

    /// Adds people, one per name; answers them (with their one-time codes on a server).
    pub async fn add_people(&self, names: &[String]) -> Result<Vec<PersonRow>, ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => self
                .change_tenant(local, |t, me, _| {
                    names
                        .iter()
                        .filter(|n| !n.trim().is_empty())
                        .enumerate()
                        .map(|(i, n)| {
                            t.add_person(me, n, None).map_err(|e| {
                                ArmError::new(
                                    e.code(),
                                    format!(
                                        "Line {} ({}): {} Nobody was added.",
                                        i + 1,
                                        n.trim(),
                                        e.message()
                                    ),
                                )
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .await
                .map(|(added, _)| {
                    added
                        .into_iter()
                        .map(|p| PersonRow {
                            name: p.name,
                            user_name: p.user_name,
                            has_password: false,
                            code_waiting: false,
                            code: None,
                        })
                        .collect()
                }),
            Backend::Server(token) => {
                let added = remote::add_people(&token.get_value(), names).await;
                self.refresh().await;
                added
            }
        };
        if let Ok(added) = &result {
            self.notify(
                false,
                format!("{} added", plural(added.len())),
                "Give each their sign-in name and one-time code.",
            );
        }
        self.report("Could not add people", result)
    }

    /// A new one-time code for a person (server only: the browser has no passwords).
    pub async fn reset_person(&self, name: &str) -> Result<String, ArmError> {
        let result = match self.backend {
            Backend::Browser(_) => Err(ArmError::new(
                "BadRequest",
                "People in this browser have no passwords to reset.",
            )),
            Backend::Server(token) => remote::reset_person(&token.get_value(), name).await,
        };
        self.report(&format!("Could not reset {name}"), result)
    }

    /// Removes a person and every role they hold.
    pub async fn remove_person(&self, name: &str) -> Result<(), ArmError> {
        let result = match self.backend {
            Backend::Browser(local) => self
                .change_tenant(local, |t, me, _| t.remove_person(me, name))
                .await
                .map(drop),
            Backend::Server(token) => {
                let removed = remote::remove_person(&token.get_value(), name).await;
                self.refresh().await;
                removed
            }
        };
        if result.is_ok() {
            self.notify(
                false,
                format!("{name} removed"),
                "Their roles and sessions are gone.",
            );
        }
        self.report(&format!("Could not remove {name}"), result)
    }
}

/// "1 person" or "n people".
fn plural(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}
