//! /access: the workspace's "Access control (IAM)": who holds which role here (given on the
//! workspace, or inherited from its resource group or subscription), "+ Add role assignment"
//! and Remove, for the workspace's Owners. The engine and the server enforce it; the buttons
//! only reflect it.

use crate::components::{guard_close, Appearance, Button, Dialog, DiscardPrompt};
use crate::shell::Breadcrumbs;
use crate::store::{use_store, AssignmentRow};
use azimuth_core::workspace::roles::{Action, Role};
use leptos::prelude::*;

/// What a role lets people do here, in the studio's words.
fn role_summary(role: Role) -> &'static str {
    match role {
        Role::Owner => "Everything, including giving and taking away roles.",
        Role::Contributor => "Everything but giving and taking away roles.",
        Role::Reader => "Sees everything, changes nothing.",
        Role::DataScientist => {
            "Works with assets and starts and stops compute; does not create or delete compute."
        }
        Role::ComputeOperator => "Creates, manages and deletes compute, and nothing else.",
    }
}

/// Where an assignment was given, in the portal's words.
fn scope_label(row: &AssignmentRow) -> &'static str {
    if !row.inherited {
        "This workspace"
    } else if row.scope.contains("/resourceGroups/") || row.scope.contains("/resourcegroups/") {
        "Resource group (inherited)"
    } else {
        "Subscription (inherited)"
    }
}

/// The Access control page.
#[component]
pub fn AccessPage() -> impl IntoView {
    let store = use_store();
    let rows = RwSignal::new(None::<Result<Vec<AssignmentRow>, String>>);
    let adding = RwSignal::new(false);
    let load = move || {
        leptos::task::spawn_local(async move {
            let found = store.role_assignments().await;
            rows.set(Some(found.map_err(|e| e.message().to_owned())));
        });
    };
    // Read again whenever the workspace changes (a role given elsewhere, another tab).
    Effect::new(move |_| {
        store.workspace.track();
        load();
    });
    let refusal = move || store.refusal(Action::WriteRoleAssignments);
    view! {
        <Breadcrumbs items=vec![("Access control".into(), "".into())] />
        <header class="page-header">
            <h1>"Access control (IAM)"</h1>
            <p class="muted">
                "Who may do what in this workspace. A role given on the resource group or the subscription applies here too. Only people with a role in a workspace see it."
            </p>
        </header>
        <div class="toolbar" role="toolbar" aria-label="Role assignments">
            <Button appearance=Appearance::Primary blocked=Signal::derive(refusal) on_click=move |_| adding.set(true)>
                "+ Add role assignment"
            </Button>
        </div>
        {move || match rows.get() {
            None => view! { <p class="muted">"Loading role assignments…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="field__error" role="alert">{e}</p> }.into_any(),
            Some(Ok(list)) => view! { <AssignmentTable rows=list refusal=Signal::derive(refusal) on_change=Callback::new(move |_| load()) /> }.into_any(),
        }}
        <Show when=move || adding.get()>
            <AddRoleDialog on_close=Callback::new(move |_| adding.set(false)) on_added=Callback::new(move |_| load()) />
        </Show>
    }
}

/// The table of role assignments.
#[component]
fn AssignmentTable(
    /// The rows.
    rows: Vec<AssignmentRow>,
    /// Why the signed-in person may not change roles, if they may not.
    refusal: Signal<Option<String>>,
    /// Runs after a removal.
    on_change: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    view! {
        <table class="data-table" aria-label="Role assignments">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Sign-in name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Scope"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let remove = {
                        let (id, name) = (row.id.clone(), row.name.clone());
                        move |_| {
                            let (id, name) = (id.clone(), name.clone());
                            leptos::task::spawn_local(async move {
                                if store.remove_role_assignment(&id, &name).await.is_ok() {
                                    on_change.run(());
                                }
                            });
                        }
                    };
                    let inherited = row.inherited;
                    let label = format!("Remove {} ({})", row.name, row.role.display_name());
                    view! {
                        <tr>
                            <td>{row.name.clone()}</td>
                            <td>{row.user_name.clone()}</td>
                            <td>{row.role.display_name()}</td>
                            <td>{scope_label(&row)}</td>
                            <td>
                                {if inherited {
                                    view! { <span class="muted">"Change it where it was given"</span> }.into_any()
                                } else {
                                    view! { <Button blocked=refusal on_click=remove>{label}</Button> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "Add role assignment": a role and a person.
#[component]
fn AddRoleDialog(
    /// Closes the dialog.
    on_close: Callback<()>,
    /// Runs after the role was given.
    on_added: Callback<()>,
) -> impl IntoView {
    let store = use_store();
    let role = RwSignal::new(Role::Reader);
    let person = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // Back, Forward, Escape and Cancel ask before a chosen role and person are lost.
    let unsaved =
        Signal::derive(move || role.get() != Role::Reader || !person.with(String::is_empty));
    let guard = guard_close(unsaved, on_close);
    let people = move || store.session.installation.with(|i| i.people.clone());
    let assign = move |_| {
        let object_id = person.get_untracked();
        let Some(who) = people().into_iter().find(|p| p.object_id == object_id) else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = store
                .add_role_assignment(&who.object_id, &who.name, role.get_untracked())
                .await;
            busy.set(false);
            if done.is_ok() {
                on_added.run(());
                guard.leave.run(());
            }
        });
    };
    view! {
        <Dialog title="Add role assignment" on_close=guard.request>
            <fieldset class="radio-group">
                <legend>"Role"</legend>
                {Role::ALL.into_iter().map(|r| view! {
                    <label class="radio-card">
                        <input type="radio" name="role" prop:checked=move || role.get() == r on:change=move |_| role.set(r) />
                        <span>
                            <strong>{r.display_name()}</strong>
                            <span class="muted">{role_summary(r)}</span>
                        </span>
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label class="field__label" for="role-member">"Member"</label>
                <select id="role-member" class="field__input" on:change=move |ev| person.set(event_target_value(&ev))>
                    <option value="">"Choose a person"</option>
                    {move || people().into_iter().map(|p| {
                        let label = format!("{} ({})", p.name, p.user_name);
                        view! { <option value=p.object_id.clone()>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="dialog__actions">
                <Button
                    appearance=Appearance::Primary
                    disabled=Signal::derive(move || busy.get() || person.with(String::is_empty))
                    on_click=assign
                >
                    "Review + assign"
                </Button>
                <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
            </div>
        </Dialog>
        <DiscardPrompt guard title="Discard the role assignment?" />
    }
}
