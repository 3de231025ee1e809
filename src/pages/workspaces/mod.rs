//! The studio's start page (`/workspaces`), as ml.azure.com's: the workspaces this person holds
//! a role in, "+ Create workspace", delete (soft, or permanently), and the recently deleted
//! ones to recover or purge. Opening a workspace loads the studio anew at its `?wsid=`.

mod access;
mod create;
mod no_access;
mod overview;
mod people;

pub use access::AccessPage;
pub use no_access::NoAccessPage;

use crate::components::{format_iso_time, format_time, Appearance, Button, Dialog, StateBadge};
use crate::store::{use_session, Session};
use azimuth_core::compute::catalogue::find_region;
use azimuth_core::workspace::overview::{wsid, WorkspaceSummary};
use create::CreateWorkspaceDialog;
use leptos::prelude::*;

/// A region's display name (its ARM name when unknown).
fn region_name(location: &str) -> String {
    find_region(location).map_or_else(|| location.to_owned(), |r| r.display_name.to_owned())
}

/// The link that opens a workspace in the studio (a full load: the studio opens one workspace).
pub fn studio_link(id: &str) -> String {
    format!("/?wsid={}", wsid(id))
}

/// The pages outside a workspace: a workspace's overview at `/workspaces/{group}/{name}`, the
/// people at `/people`, "Page not found" for other addresses under `/workspaces/`, and the list
/// of workspaces otherwise (also where there is no workspace to open).
#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let session = use_session();
    let path = window().location().pathname().unwrap_or_default();
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| js_sys::decode_uri_component(s).map_or_else(|_| s.to_owned(), String::from))
        .collect();
    let body = match segments.as_slice() {
        [p] if p == "people" => view! { <people::PeoplePage /> }.into_any(),
        [p, group, name] if p == "workspaces" => {
            view! { <overview::WorkspaceOverview group=group.clone() name=name.clone() /> }
                .into_any()
        }
        // Any other address, when there is no workspace to open, shows the list; an address
        // under /workspaces that names no page says so.
        [p, _, ..] if p == "workspaces" => view! {
            <crate::pages::NotFoundMessage path>
                <a href="/workspaces">"Go to the workspaces"</a>
            </crate::pages::NotFoundMessage>
        }
        .into_any(),
        _ => view! { <WorkspaceList /> }.into_any(),
    };
    view! {
        <StartHeader session />
        {body}
    }
}

/// The start page: the person's workspaces and the recently deleted ones.
#[component]
fn WorkspaceList() -> impl IntoView {
    let session = use_session();
    let creating = RwSignal::new(false);
    let deleting = RwSignal::new(None::<WorkspaceSummary>);
    document().set_title("Workspaces · Azimuth");
    // While a workspace is being created, look again every second until it is ready.
    let busy = move || {
        session.installation.with(|i| {
            i.workspaces
                .iter()
                .any(|w| w.provisioning_state == "Creating")
        })
    };
    let _ = set_interval_with_handle(
        move || {
            if busy() {
                leptos::task::spawn_local(async move { session.refresh().await });
            }
        },
        std::time::Duration::from_secs(1),
    );
    let mine = move || session.installation.with(|i| i.workspaces.clone());
    let deleted = move || session.installation.with(|i| i.deleted.clone());
    let may_create = move || {
        session
            .installation
            .with(|i| i.may_create_groups || i.resource_groups.iter().any(|g| g.may_create))
    };
    view! {
        <main class="start" id="main">
            <div class="start__head">
                <h1>"Workspaces"</h1>
                <p class="muted">
                    "A workspace holds a team's compute, data, jobs and models. Choose one to open it in the studio, or create one."
                </p>
                <Button
                    appearance=Appearance::Primary
                    blocked=Signal::derive(move || (!may_create()).then(|| "Your roles do not allow you to create workspaces: ask an Owner of the subscription or of a resource group to make you a Contributor.".to_owned()))
                    on_click=move |_| creating.set(true)
                >
                    "+ Create workspace"
                </Button>
            </div>
            <Show
                when=move || !mine().is_empty()
                fallback=|| view! {
                    <p class="start__empty">"You hold a role in no workspace yet. Create one, or ask an Owner of a workspace to add you to it."</p>
                }
            >
                <WorkspaceTable rows=Signal::derive(mine) deleting />
            </Show>
            <Show when=move || !deleted().is_empty()>
                <h2>"Recently deleted"</h2>
                <p class="muted">"A deleted workspace can be recovered for 14 days; its name stays taken until then, or until it is purged."</p>
                <DeletedTable rows=Signal::derive(deleted) />
            </Show>
        </main>
        <Show when=move || creating.get()>
            <CreateWorkspaceDialog on_close=Callback::new(move |_| creating.set(false)) />
        </Show>
        {move || deleting.get().map(|w| view! { <DeleteDialog workspace=w on_close=Callback::new(move |_| deleting.set(None)) /> })}
    }
}

/// The start page's top bar: the product, and who is signed in.
#[component]
fn StartHeader(
    /// The session.
    session: Session,
) -> impl IntoView {
    let me = move || session.member_name.get();
    view! {
        <header class="top-bar" role="banner">
            <a class="top-bar__product" href="/workspaces" rel="external">
                <span class="top-bar__logo" aria-hidden="true">"◭"</span>
                "Azimuth"
                <span class="top-bar__product-sub">"Machine Learning studio"</span>
            </a>
            <div class="top-bar__actions">
                <Show when=move || session.installation.with(|i| i.may_manage_people)>
                    <a class="button" href="/people" rel="external">"People"</a>
                </Show>
                <Show
                    when=move || session.is_shared()
                    fallback=move || view! { <DemoIdentity session /> }
                >
                    <span class="start__me">{move || format!("Signed in as {}", me())}</span>
                    <button type="button" class="button" on:click=move |_| {
                        leptos::task::spawn_local(async move { session.sign_out().await });
                    }>"Sign out"</button>
                </Show>
            </div>
        </header>
    }
}

/// Browser mode's demo identity: anyone using this browser may act as any person.
#[component]
fn DemoIdentity(
    /// The session.
    session: Session,
) -> impl IntoView {
    let people = move || session.installation.with(|i| i.people.clone());
    view! {
        <label class="start__me" for="demo-identity">"Acting as"</label>
        <select id="demo-identity" class="field__input start__identity" on:change=move |ev| {
            session.switch_member(&event_target_value(&ev));
        }>
            {move || people().into_iter().map(|p| {
                let selected = session.member_name.with_untracked(|m| *m == p.name);
                view! { <option value=p.name.clone() selected=selected>{p.name.clone()}</option> }
            }).collect_view()}
        </select>
    }
}

/// The workspaces the person holds a role in.
#[component]
fn WorkspaceTable(
    /// The rows.
    rows: Signal<Vec<WorkspaceSummary>>,
    /// Set to the workspace whose Delete was pressed.
    deleting: RwSignal<Option<WorkspaceSummary>>,
) -> impl IntoView {
    let session = use_session();
    let subscription = move || session.installation.with(|i| i.subscription_name.clone());
    view! {
        <table class="data-table" aria-label="Workspaces">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Resource group"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Subscription"</th>
                    <th scope="col">"Created on"</th>
                    <th scope="col">"Your role"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|w| (w.id.clone(), w.provisioning_state.clone(), w.role) let:w>
                    {
                        let name = w.name.clone();
                        let ready = w.provisioning_state == "Succeeded";
                        let link = studio_link(&w.id);
                        let may_delete = w.may_delete;
                        let row = w.clone();
                        view! {
                            <tr>
                                <td>
                                    <Show when=move || ready fallback={let name = name.clone(); move || name.clone()}>
                                        <a href=link.clone() rel="external">{name.clone()}</a>
                                    </Show>
                                    <div class="muted">{w.friendly_name.clone()}</div>
                                    <a class="start__overview" href=format!("/workspaces/{}/{}", w.resource_group, w.name) rel="external" aria-label=format!("Overview of {}", w.name)>"Overview"</a>
                                </td>
                                <td><StateBadge state=w.provisioning_state.clone() /></td>
                                <td>{w.resource_group.clone()}</td>
                                <td>{region_name(&w.location)}</td>
                                <td>{subscription}</td>
                                <td>{format_iso_time(&w.created_at)}</td>
                                <td>{w.role.map(|r| r.display_name()).unwrap_or_default()}</td>
                                <td>
                                    <Button
                                        blocked=Signal::derive(move || (!may_delete).then(|| "Only an Owner or Contributor of the workspace can delete it.".to_owned()))
                                        on_click=move |_| deleting.set(Some(row.clone()))
                                    >
                                        {format!("Delete {}", w.name)}
                                    </Button>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}

/// Soft-deleted workspaces, to recover or purge.
#[component]
fn DeletedTable(
    /// The rows.
    rows: Signal<Vec<WorkspaceSummary>>,
) -> impl IntoView {
    let session = use_session();
    // The workspace whose Purge was pressed: (id, name), asked about first.
    let purging = RwSignal::new(None::<(String, String)>);
    let purge = move |_| {
        let Some((id, name)) = purging.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if session.delete_workspace(&id, &name, true).await.is_ok() {
                purging.set(None);
            }
        });
    };
    view! {
        {move || purging.get().map(|(_, name)| view! {
            <Dialog title=format!("Purge {name}?") alert=true on_close=Callback::new(move |_| purging.set(None))>
                <p>"The workspace and everything in it are deleted for good: it cannot be recovered. Its name is free again at once."</p>
                <div class="dialog__actions">
                    <Button appearance=Appearance::Primary on_click=purge>"Purge"</Button>
                    <Button on_click=move |_| purging.set(None)>"Cancel"</Button>
                </div>
            </Dialog>
        })}
        <table class="data-table" aria-label="Recently deleted workspaces">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Resource group"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Deleted on"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|w| w.id.clone() let:w>
                    {
                        let (id, name) = (w.id.clone(), w.name.clone());
                        let (id2, name2) = (w.id.clone(), w.name.clone());
                        view! {
                            <tr>
                                <td>{w.name.clone()}</td>
                                <td>{w.resource_group.clone()}</td>
                                <td>{region_name(&w.location)}</td>
                                <td>{w.deleted_at.map(format_time).unwrap_or_default()}</td>
                                <td class="start__actions">
                                    <Button on_click=move |_| {
                                        let (id, name) = (id.clone(), name.clone());
                                        leptos::task::spawn_local(async move { let _ = session.recover_workspace(&id, &name).await; });
                                    }>{format!("Recover {}", w.name)}</Button>
                                    <Button on_click=move |_| purging.set(Some((id2.clone(), name2.clone())))>{format!("Purge {}", w.name)}</Button>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}

/// "Delete workspace": a soft delete unless "Delete this workspace permanently" is ticked.
#[component]
fn DeleteDialog(
    /// The workspace.
    workspace: WorkspaceSummary,
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let permanently = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let name = workspace.name.clone();
    let delete = move |_| {
        let (id, name) = (workspace.id.clone(), workspace.name.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let done = session
                .delete_workspace(&id, &name, permanently.get_untracked())
                .await;
            busy.set(false);
            if done.is_ok() {
                on_close.run(());
            }
        });
    };
    view! {
        <Dialog title=format!("Delete {name}?") alert=true on_close>
            <p>"Its computes stop being usable. A deleted workspace can be recovered for 14 days from Recently deleted; its name stays taken until then."</p>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || permanently.get() on:change=move |ev| permanently.set(event_target_checked(&ev)) />
                "Delete this workspace permanently (it cannot be recovered, and its name is free at once)"
            </label>
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=Signal::derive(move || busy.get()) on_click=delete>"Delete"</Button>
                <Button on_click=move |_| on_close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}
