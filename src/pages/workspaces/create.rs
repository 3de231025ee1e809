//! "Create workspace", as the portal asks for it: Basics (subscription, resource group existing
//! or new, the workspace's name checked as you type, region), the associated resources with the
//! names they will get (a new storage account, Key Vault and Application Insights; a container
//! registry only when asked), then Review + create.

use crate::components::{guard_close, Appearance, Button, Dialog, DiscardPrompt, TextField};
use crate::store::{random_guid, use_session, NewWorkspace};
use azimuth_core::compute::catalogue::{find_region, REGIONS};
use azimuth_core::workspace::groups::resource_group_name_error;
use azimuth_core::workspace::manage::workspace_name_error;
use leptos::prelude::*;

/// The value of the resource group picker that means "Create new".
const NEW_GROUP: &str = "";

/// The create-workspace dialog.
#[component]
pub fn CreateWorkspaceDialog(
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let installation = session.installation;
    let groups = move || {
        installation.with(|i| {
            i.resource_groups
                .iter()
                .filter(|g| g.may_create)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let first = groups_first(&groups());
    let group = RwSignal::new(first.clone().map(|g| g.0).unwrap_or_default());
    let new_group = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let location = RwSignal::new(first.map_or_else(|| "eastus".to_owned(), |g| g.1));
    let friendly = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let registry = RwSignal::new(false);
    let reviewing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let seed = random_guid();
    let creating_group = move || group.with(|g| g == NEW_GROUP);
    let form = Memo::new(move |_| NewWorkspace {
        group: if creating_group() {
            new_group.get().trim().to_owned()
        } else {
            group.get()
        },
        new_group: creating_group(),
        name: name.get().trim().to_owned(),
        location: location.get(),
        friendly_name: friendly.get(),
        description: description.get(),
        container_registry: registry.get(),
        seed: seed.clone(),
    });
    let name_error = Signal::derive(move || {
        let f = form.get();
        workspace_name_error(&f.name).or_else(|| {
            let taken = installation.with(|i| {
                i.workspaces.iter().chain(&i.deleted).find(|w| {
                    w.name.eq_ignore_ascii_case(&f.name)
                        && w.resource_group.eq_ignore_ascii_case(&f.group)
                })
                .map(|w| (w.deleted_at.is_some(), w.name.clone()))
            });
            // Named as it was created: names that differ only by case are the same to Azure.
            taken.map(|(deleted, name)| if deleted {
                format!("A deleted workspace named {name} is in {}: recover or purge it under Recently deleted, or pick another name.", f.group)
            } else {
                format!("The resource group {} already has a workspace named {name}.", f.group)
            })
        })
    });
    let group_error = Signal::derive(move || {
        if !creating_group() {
            return None;
        }
        let wanted = new_group.get().trim().to_owned();
        resource_group_name_error(&wanted).or_else(|| {
            let existing = installation.with(|i| {
                i.resource_groups
                    .iter()
                    .find(|g| g.name.eq_ignore_ascii_case(&wanted))
                    .map(|g| g.name.clone())
            })?;
            Some(format!(
                "A resource group named {existing} already exists: choose it under Resource group, or pick another name."
            ))
        })
    });
    let touched = RwSignal::new(false);
    // A field's problem shows once something is typed in it, or after "Review + create".
    let shown = move |error: Signal<Option<String>>, field: RwSignal<String>| {
        Signal::derive(move || {
            error
                .get()
                .filter(|_| touched.get() || !field.with(String::is_empty))
        })
    };
    let next = move |_| {
        touched.set(true);
        if name_error.get_untracked().is_none() && group_error.get_untracked().is_none() {
            reviewing.set(true);
        }
    };
    // Escape, Cancel and the close button ask before typed input is lost.
    let unsaved = Signal::derive(move || {
        [name, new_group, friendly, description]
            .iter()
            .any(|field| field.with(|v| !v.trim().is_empty()))
            || registry.get()
    });
    let guard = guard_close(unsaved, on_close);
    let create = move |_| {
        busy.set(true);
        error.set(None);
        let f = form.get_untracked();
        leptos::task::spawn_local(async move {
            match session.create_workspace(&f).await {
                Ok(_) => guard.leave.run(()),
                Err(e) => {
                    error.set(Some(e.message().to_owned()));
                    busy.set(false);
                }
            }
        });
    };
    let subscription =
        move || installation.with(|i| format!("{} ({})", i.subscription_name, i.subscription_id));
    let may_create_groups = move || installation.with(|i| i.may_create_groups);
    view! {
        <Dialog title="Create an Azure Machine Learning workspace" class="dialog--wide" on_close=guard.request>
            <Show when=move || !reviewing.get()>
                <h3>"Basics"</h3>
                <TextField label="Subscription" id="ws-subscription" value=RwSignal::new(subscription()) readonly=true />
                <div class="field">
                    <label class="field__label" for="ws-group">"Resource group"</label>
                    <select id="ws-group" class="field__input" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(g) = groups().into_iter().find(|g| g.name == value) {
                            location.set(g.location);
                        }
                        group.set(value);
                    }>
                        {move || groups().into_iter().map(|g| {
                            let selected = group.with_untracked(|v| *v == g.name);
                            view! { <option value=g.name.clone() selected=selected>{g.name.clone()}</option> }
                        }).collect_view()}
                        <Show when=may_create_groups>
                            <option value=NEW_GROUP selected=creating_group>"Create new"</option>
                        </Show>
                    </select>
                </div>
                <Show when=creating_group>
                    <TextField label="New resource group name" id="ws-new-group" value=new_group error=shown(group_error, new_group) required=true />
                </Show>
                <TextField
                    label="Workspace name"
                    id="ws-name"
                    value=name
                    error=shown(name_error, name)
                    hint="3 to 33 letters, digits, '-' and '_', starting with a letter or a digit; unique in its resource group."
                    required=true
                />
                <TextField label="Friendly name" id="ws-friendly" value=friendly hint="Shown in the studio; the name when empty." />
                <TextField label="Description" id="ws-description" value=description multiline=true />
                <div class="field">
                    <label class="field__label" for="ws-region">"Region"</label>
                    <select id="ws-region" class="field__input" on:change=move |ev| location.set(event_target_value(&ev))>
                        {REGIONS.iter().map(|r| {
                            view! { <option value=r.name selected=move || location.get() == r.name>{r.display_name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <h3>"Associated resources"</h3>
                <Associated form />
                <div class="field">
                    <label class="field__label" for="ws-registry">"Container registry"</label>
                    <select id="ws-registry" class="field__input" on:change=move |ev| registry.set(event_target_value(&ev) == "new")>
                        <option value="none" selected=move || !registry.get()>"None"</option>
                        <option value="new" selected=move || registry.get()>"Create new"</option>
                    </select>
                    <p class="field__hint">"Azure creates one the first time an environment image is built; create it now only if you need it."</p>
                </div>
                <div class="dialog__actions">
                    <Button appearance=Appearance::Primary on_click=next>"Review + create"</Button>
                    <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
                </div>
            </Show>
            <Show when=move || reviewing.get()>
                <Review form />
                <p class="field__error" role="alert">{move || error.get().unwrap_or_default()}</p>
                <div class="dialog__actions">
                    <Button appearance=Appearance::Primary disabled=Signal::derive(move || busy.get()) on_click=create>
                        {move || if busy.get() { "Creating…" } else { "Create" }}
                    </Button>
                    <Button on_click=move |_| reviewing.set(false)>"Back"</Button>
                    <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
                </div>
            </Show>
            <DiscardPrompt guard title="Discard the new workspace?" />
        </Dialog>
    }
}

/// The first group the person may create in: (name, region).
fn groups_first(
    groups: &[azimuth_core::workspace::overview::GroupChoice],
) -> Option<(String, String)> {
    groups.first().map(|g| (g.name.clone(), g.location.clone()))
}

/// The associated resources' names, as they will be created.
#[component]
fn Associated(
    /// The form.
    form: Memo<NewWorkspace>,
) -> impl IntoView {
    let names = move || form.with(|f| f.associated_names());
    let row = move |label: &'static str, i: usize| {
        view! {
            <div class="field">
                <span class="field__label">{label}</span>
                <span class="field__value">{move || names()[i].clone().map_or_else(|| "None".to_owned(), |n| format!("(new) {n}"))}</span>
            </div>
        }
    };
    view! {
        {row("Storage account", 0)}
        {row("Key vault", 1)}
        {row("Application insights", 2)}
    }
}

/// The review of what will be created.
#[component]
fn Review(
    /// The form.
    form: Memo<NewWorkspace>,
) -> impl IntoView {
    let f = form.get_untracked();
    let [storage, vault, insights, registry] = f.associated_names();
    let region = find_region(&f.location).map_or(f.location.clone(), |r| r.display_name.to_owned());
    let group = if f.new_group {
        format!("(new) {}", f.group)
    } else {
        f.group.clone()
    };
    let rows = [
        ("Resource group", group),
        ("Workspace name", f.name.clone()),
        ("Region", region),
        (
            "Friendly name",
            if f.friendly_name.trim().is_empty() {
                f.name.clone()
            } else {
                f.friendly_name.trim().to_owned()
            },
        ),
        (
            "Description",
            if f.description.trim().is_empty() {
                "None".into()
            } else {
                f.description.trim().to_owned()
            },
        ),
        ("Storage account", storage.unwrap_or_default()),
        ("Key vault", vault.unwrap_or_default()),
        ("Application insights", insights.unwrap_or_default()),
        (
            "Container registry",
            registry.unwrap_or_else(|| "None".into()),
        ),
    ];
    view! {
        <h3>"Review + create"</h3>
        <dl class="properties">
            {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}
