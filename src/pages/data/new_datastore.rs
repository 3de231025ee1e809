//! The "Create datastore" dialog: a name, the storage type, account and container (or file
//! system, or share), and how it signs in. The engine checks the request before it is sent and
//! each error shows under its field; secrets are typed out of sight and never shown back.

use super::datastores::kind_label;
use crate::components::{
    guard_close, radio_card, Appearance, Button, Dialog, DiscardPrompt, TextField,
};
use crate::router::leave_to;
use crate::store::use_store;
use azimuth_core::data::datastore::{Credentials, DatastoreProperties, DatastoreResource};
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;
use serde_json::{Map, Value};

const KINDS: [&str; 3] = ["AzureBlob", "AzureDataLakeGen2", "AzureFile"];

/// The dialog, at `/data/create/datastore`.
#[component]
pub fn NewDatastoreDialog() -> impl IntoView {
    let store = use_store();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("AzureBlob");
    let account = RwSignal::new(String::new());
    let place = RwSignal::new(String::new());
    let auth = RwSignal::new("AccountKey");
    let secret = RwSignal::new(String::new());
    let tenant = RwSignal::new(String::new());
    let client = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<(Option<String>, String)>);
    let sending = RwSignal::new(false);
    let unsaved = Signal::derive(move || {
        !(name.get().is_empty()
            && account.get().is_empty()
            && place.get().is_empty()
            && secret.get().is_empty())
    });
    let guard = guard_close(unsaved, Callback::new(|_| leave_to("/data/datastores")));
    let at = move |targets: &'static [&'static str]| {
        Signal::derive(move || {
            error.get().and_then(|(target, message)| {
                target
                    .filter(|t| targets.iter().any(|w| t.starts_with(w)))
                    .map(|_| message)
            })
        })
    };
    let unplaced = Signal::derive(move || {
        error.get().and_then(|(target, message)| {
            let placed = ["name", "properties.accountName", "properties.credentials"];
            match target {
                Some(t) if placed.iter().any(|p| t.starts_with(p)) => None,
                _ => Some(message),
            }
        })
    });
    let body = move || {
        let (kind, auth) = (kind.get_untracked(), auth.get_untracked());
        let inside = Some(place.get_untracked().trim().to_owned());
        let mut secrets = Map::new();
        let secret_key = match auth {
            "AccountKey" => Some("key"),
            "Sas" => Some("sasToken"),
            "ServicePrincipal" => Some("clientSecret"),
            _ => None,
        };
        if let Some(key) = secret_key {
            secrets.insert("secretsType".into(), Value::String(auth.into()));
            secrets.insert(key.into(), Value::String(secret.get_untracked()));
        }
        let sp = auth == "ServicePrincipal";
        let text = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|t| !t.is_empty())
        };
        DatastoreResource {
            properties: DatastoreProperties {
                datastore_type: kind.into(),
                account_name: account.get_untracked().trim().to_owned(),
                container_name: (kind == "AzureBlob").then(|| inside.clone()).flatten(),
                filesystem: (kind == "AzureDataLakeGen2")
                    .then(|| inside.clone())
                    .flatten(),
                file_share_name: (kind == "AzureFile").then_some(inside).flatten(),
                credentials: Credentials {
                    credentials_type: auth.into(),
                    tenant_id: if sp { text(tenant) } else { None },
                    client_id: if sp { text(client) } else { None },
                    secrets: secret_key.map(|_| secrets),
                    ..Credentials::default()
                },
                description: text(description),
                ..DatastoreProperties::default()
            },
            ..DatastoreResource::default()
        }
    };
    let create = move |_| {
        let wanted = name.get_untracked().trim().to_owned();
        let request = body();
        // The engine's answer first, on a copy: each error goes under its field at once.
        let checked = store.workspace.with_untracked(|w| {
            let mut copy = w.clone();
            copy.put_datastore(
                &store.member_name.get_untracked(),
                &wanted,
                request.clone(),
                store.now(),
            )
            .map(drop)
        });
        if let Err(e) = checked {
            error.set(Some((
                e.target().map(str::to_owned),
                e.message().to_owned(),
            )));
            return;
        }
        error.set(None);
        sending.set(true);
        leptos::task::spawn_local(async move {
            let result = store.put_datastore(&wanted, request).await;
            sending.set(false);
            match result {
                Ok(()) => guard.leave.run(()),
                Err(e) => error.set(Some((
                    e.target().map(str::to_owned),
                    e.message().to_owned(),
                ))),
            }
        });
    };
    let place_label = move || match kind.get() {
        "AzureDataLakeGen2" => "File system name",
        "AzureFile" => "File share name",
        _ => "Blob container name",
    };
    let auth_choices = move || match kind.get() {
        "AzureFile" => vec![("AccountKey", "Account key"), ("Sas", "SAS token")],
        "AzureDataLakeGen2" => vec![
            ("ServicePrincipal", "Service principal"),
            ("None", "Identity-based (no secret)"),
        ],
        _ => vec![
            ("AccountKey", "Account key"),
            ("Sas", "SAS token"),
            ("ServicePrincipal", "Service principal"),
            ("None", "Identity-based (no secret)"),
        ],
    };
    let pick_kind = move |k: &'static str| {
        kind.set(k);
        let allowed: Vec<&str> = auth_choices().iter().map(|(a, _)| *a).collect();
        if !allowed.contains(&auth.get_untracked()) {
            auth.set(allowed[0]);
        }
    };
    view! {
        <Dialog title="Create datastore" class="dialog--wizard dialog--form" on_close=guard.request keep_on_outside_click=true>
            <div class="dialog__body">
                <TextField label="Datastore name" id="datastore-name" value=name required=true error=at(&["name"]) hint="Letters, digits and underscores, e.g. raw_data." />
                <fieldset class="radio-group">
                    <legend>"Datastore type"</legend>
                    {KINDS.map(|k| radio_card("datastore-kind", move || kind.get() == k, move || pick_kind(k), kind_label(k), ""))}
                </fieldset>
                <TextField label="Storage account name" id="datastore-account" value=account required=true error=at(&["properties.accountName"]) hint="3 to 24 lowercase letters and digits, as in <account>.blob.core.windows.net." />
                {move || view! { <TextField label=place_label() id="datastore-place" value=place required=true /> }}
                <div class="field">
                    <label class="field__label" for="datastore-auth">"Authentication type"</label>
                    <select
                        id="datastore-auth"
                        prop:value=move || auth.get()
                        on:change=move |ev| {
                            let picked = event_target_value(&ev);
                            if let Some((a, _)) = auth_choices().into_iter().find(|(a, _)| *a == picked) {
                                auth.set(a);
                            }
                        }
                    >
                        {move || auth_choices().into_iter().map(|(a, label)| view! { <option value=a selected=move || auth.get() == a>{label}</option> }).collect_view()}
                    </select>
                </div>
                <Show when=move || auth.get() == "ServicePrincipal">
                    <TextField label="Tenant ID" id="datastore-tenant" value=tenant error=at(&["properties.credentials.tenantId"]) />
                    <TextField label="Client ID" id="datastore-client" value=client error=at(&["properties.credentials.clientId"]) />
                </Show>
                <Show when=move || auth.get() != "None">
                    {move || {
                        let label = match auth.get() {
                            "Sas" => "SAS token",
                            "ServicePrincipal" => "Client secret",
                            _ => "Account key",
                        };
                        view! { <TextField label=label id="datastore-secret" value=secret secret=true error=at(&["properties.credentials.secrets"]) hint="Kept by the workspace and never shown again; only listSecrets returns it, to the roles that may see it." /> }
                    }}
                </Show>
                <TextField label="Description" id="datastore-description" value=description />
                <p class="muted">"Azimuth keeps the registration, as Azure does; it cannot reach storage outside this installation, so such a datastore's files cannot be browsed here."</p>
            </div>
            <Show when=move || unplaced.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || unplaced.get().unwrap_or_default()}</div>
            </Show>
            <div class="dialog__actions wizard__footer">
                <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteDatastore)) disabled=sending on_click=create>
                    "Create"
                </Button>
                <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
            </div>
            <DiscardPrompt guard title="Discard the new datastore?" />
        </Dialog>
    }
}
