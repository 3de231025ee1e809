//! A datastore's page: where it points and how it signs in (never its secret), its files when
//! this installation can reach them, and Unregister for the ones people registered.

use super::datastores::{credentials_label, kind_label};
use super::files::FileBrowser;
use crate::components::{format_iso_time, prop_view, Appearance, Button, CodeView, Dialog};
use crate::router::navigate;
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::data::datastore::describe;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The page of datastore `name`.
#[component]
pub fn DatastorePage(
    /// The datastore's name, from the address.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let found = {
        let name = name.clone();
        Memo::new(move |_| store.workspace.with(|w| w.datastore(&name).cloned()))
    };
    let reachable = {
        let name = name.clone();
        Memo::new(move |_| {
            store.workspace.with(|w| {
                w.datastore_root(&name)
                    .map(drop)
                    .map_err(|e| e.message().to_owned())
            })
        })
    };
    let confirming = RwSignal::new(false);
    let title = name.clone();
    let missing = name.clone();
    let crumb = name.clone();
    let unregistering = name.clone();
    view! {
        <Breadcrumbs items=vec![("Data".into(), "/data".into()), ("Datastores".into(), "/data/datastores".into()), (crumb, "".into())] />
        <Show
            when=move || found.with(Option::is_some)
            fallback=move || view! {
                <section class="empty-state">
                    <h1>"Datastore not found"</h1>
                    <p>{format!("There is no datastore named {missing} in this workspace.")}</p>
                    <a href=crate::router::href("/data/datastores")>"All datastores"</a>
                </section>
            }
        >
            {
                let title = title.clone();
                let name = name.clone();
                move || {
                    let d = found.get().expect("shown only when found");
                    let props = d.resource.properties.clone();
                    let system = d.resource.system_data.clone().unwrap_or_default();
                    let is_default = props.is_default;
                    let builtin = azimuth_core::data::datastore::DEFAULT_DATASTORES.contains(&d.resource.name.as_str());
                    let name = name.clone();
                    view! {
                        <header class="page-header page-header--with-badge">
                            <h1>{title.clone()}</h1>
                            {is_default.then(|| view! { <span class="tag">"Default"</span> })}
                        </header>
                        <div class="toolbar" role="toolbar" aria-label="Datastore actions">
                            <Button
                                appearance=Appearance::Subtle
                                blocked=Signal::derive(move || if builtin { Some("The workspace's default datastores cannot be unregistered.".to_owned()) } else { store.refusal(Action::DeleteDatastore) })
                                on_click=move |_| confirming.set(true)
                            >
                                "Unregister"
                            </Button>
                        </div>
                        <section class="card" aria-labelledby="props-title">
                            <h2 id="props-title">"Properties"</h2>
                            <dl class="props">
                                {prop_view("Type", kind_label(&props.datastore_type))}
                                {prop_view("Points at", describe(&props))}
                                {prop_view("Endpoint", props.endpoint.clone().unwrap_or_default())}
                                {prop_view("Protocol", props.protocol.clone().unwrap_or_default())}
                                {prop_view("Authentication", credentials_label(&props.credentials.credentials_type))}
                                {prop_view("Description", props.description.clone().unwrap_or_default())}
                                {prop_view("Created by", system.created_by.clone())}
                                {prop_view("Created on", format_iso_time(&system.created_at))}
                                {prop_view("URI", view! { <code>{format!("azureml://datastores/{}/paths/", d.resource.name)}</code> })}
                            </dl>
                        </section>
                        <CodeView title="CLI v2 YAML" code=Signal::stored(azimuth_core::data::yaml::datastore_yaml(&d.resource)) file_name=Signal::stored(format!("{}.yml", d.resource.name)) />
                        {match reachable.get() {
                            Ok(()) => view! { <FileBrowser datastore=name.clone() /> }.into_any(),
                            Err(why) => view! { <div class="message-bar message-bar--warning" role="status">{why}</div> }.into_any(),
                        }}
                    }
                }
            }
        </Show>
        <Show when=move || confirming.get()>
            {
                let name = unregistering.clone();
                let confirm = move |_| {
                    let name = name.clone();
                    confirming.set(false);
                    leptos::task::spawn_local(async move {
                        if store.delete_datastore(&name).await.is_ok() {
                            navigate("/data/datastores");
                        }
                    });
                };
                view! {
                    <Dialog title="Unregister this datastore?" alert=true on_close=Callback::new(move |_| confirming.set(false))>
                        <p>"The workspace forgets the datastore and its credentials. Its files stay where they are, and it can be registered again."</p>
                        <div class="dialog__actions">
                            <Button appearance=Appearance::Primary on_click=confirm>"Unregister"</Button>
                            <Button on_click=move |_| confirming.set(false)>"Cancel"</Button>
                        </div>
                    </Dialog>
                }
            }
        </Show>
    }
}
