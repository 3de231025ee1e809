//! The top bar's workspace button and the studio's "Directory + Subscription + Workspace"
//! panel: the directory and subscription, a switch to another workspace, "Download config
//! file" (`config.json` for azure-ai-ml's `MLClient.from_config()`), and the list of workspaces.

use crate::components::{Dialog, Icon, IconName};
use crate::pages::workspaces::studio_link;
use crate::store::{download, use_store};
use leptos::prelude::*;

/// The `config.json` of a workspace, as the real studio's "Download config file" writes it.
pub fn config_json(subscription_id: &str, resource_group: &str, workspace_name: &str) -> String {
    let field = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "{{\n    \"subscription_id\": {},\n    \"resource_group\": {},\n    \"workspace_name\": {}\n}}\n",
        field(subscription_id),
        field(resource_group),
        field(workspace_name)
    )
}

/// The workspace's name in the top bar, opening the panel.
#[component]
pub fn WorkspaceButton() -> impl IntoView {
    let store = use_store();
    let open = RwSignal::new(false);
    provide_context(PanelOpen(open));
    let ws = move || {
        store.workspace.with(|w| {
            (
                w.resource.name.clone(),
                w.region().display_name,
                w.resource_group.clone(),
            )
        })
    };
    view! {
        <button
            type="button"
            class="top-bar__workspace"
            aria-haspopup="dialog"
            title="Directory + Subscription + Workspace"
            on:click=move |_| open.set(true)
        >
            <span class="top-bar__ws-name">{move || ws().0}</span>
            <span class="top-bar__ws-meta">
                <span title="Location">{move || ws().1}</span>
                " · "
                <span title="Resource group">{move || ws().2}</span>
            </span>
        </button>
        <Show when=move || open.get()>
            {crate::lazy::show(workspace_panel(), String::new())}
        </Show>
    }
}

/// Whether the panel is open; its button and the panel (a chunk of its own) share it.
#[derive(Clone, Copy)]
struct PanelOpen(RwSignal<bool>);

crate::lazy_page! {
    /// The "Directory + Subscription + Workspace" panel, fetched when first opened.
    workspace_panel in workspace_panel => |_| view! { <WorkspacePanel /> }.into_any()
}

/// The "Directory + Subscription + Workspace" panel.
#[component]
fn WorkspacePanel() -> impl IntoView {
    let open = expect_context::<PanelOpen>().0;
    let on_close = Callback::new(move |_| open.set(false));
    let store = use_store();
    let installation = store.session.installation;
    let current = store.workspace_id();
    let (subscription_id, group, name) = store.workspace.with_untracked(|w| {
        (
            w.subscription_id.clone(),
            w.resource_group.clone(),
            w.resource.name.clone(),
        )
    });
    let config = config_json(&subscription_id, &group, &name);
    let properties = format!("/workspaces/{group}/{name}");
    let others = move || installation.with(|i| i.workspaces.clone());
    // Choosing in the list opens nothing by itself (arrow keys go through it); "Switch" does.
    let chosen = RwSignal::new(current.clone());
    let switch = move |_| {
        let id = chosen.get_untracked();
        let _ = window().location().assign(&studio_link(&id));
    };
    view! {
        <Dialog title="Directory + Subscription + Workspace" class="dialog--panel" on_close>
            <dl class="properties">
                <dt>"Current directory"</dt>
                <dd>{move || installation.with(|i| i.tenant_id.clone())}</dd>
                <dt>"Current subscription"</dt>
                <dd>{move || installation.with(|i| format!("{} ({})", i.subscription_name, i.subscription_id))}</dd>
            </dl>
            <div class="field">
                <label class="field__label" for="switch-workspace">"Current workspace"</label>
                <select id="switch-workspace" class="field__input" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {move || others().into_iter().map(|w| {
                        let selected = w.id.eq_ignore_ascii_case(&current);
                        let label = format!("{} ({})", w.name, w.resource_group);
                        view! { <option value=w.id.clone() selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
                <button
                    type="button"
                    class="button button--primary panel__switch"
                    disabled=move || chosen.with(|c| c.eq_ignore_ascii_case(&store.workspace_id()))
                    on:click=switch
                >
                    "Switch"
                </button>
            </div>
            <div class="panel__links">
                <button type="button" class="button" on:click=move |_| download("config.json", &config, "application/json")>
                    <Icon name=IconName::Download />
                    "Download config file"
                </button>
                <a class="button" href=properties rel="external">"View all properties"</a>
                <a class="button" href="/workspaces" rel="external">"All workspaces"</a>
            </div>
            <div class="dialog__actions">
                <button type="button" class="button button--primary" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
}
