//! The All experiments tab: each experiment with how many jobs it holds and when the newest
//! started; an experiment opens its jobs. Kept current as runs are logged.

use super::JobsTabs;
use crate::components::{
    format_iso_time, format_time, search_box, Appearance, Button, Icon, IconName,
};
use crate::router::query_state;
use crate::shell::Breadcrumbs;
use crate::store::{copy_to_clipboard, use_store, ExperimentSummary, ScriptToken};
use leptos::prelude::*;

/// "Log from a script": what a script sets so that its `mlflow` calls land in this workspace,
/// with tokens made for it (each shown once) that log runs and can do nothing else, listed
/// with a Revoke each.
fn script_card() -> impl IntoView {
    let store = use_store();
    let uri = store.tracking_uri();
    let name = RwSignal::new(String::new());
    let made = RwSignal::new(None::<Result<ScriptToken, String>>);
    let tokens = RwSignal::new(None::<Result<Vec<ScriptToken>, String>>);
    let read = move || {
        leptos::task::spawn_local(async move {
            let answer = store.script_tokens().await;
            tokens.try_set(Some(answer.map_err(|e| e.message().to_owned())));
        });
    };
    read();
    let snippet = format!(
        "export MLFLOW_TRACKING_URI={uri}\nexport MLFLOW_TRACKING_TOKEN=<a token for scripts>\npython train.py   # mlflow.set_experiment(\"my-experiment\"); mlflow.log_metric(\"loss\", 0.5)"
    );
    let create = move |_| {
        leptos::task::spawn_local(async move {
            let answer = store.script_token(&name.get_untracked()).await;
            if answer.is_ok() {
                name.try_set(String::new());
                read();
            }
            made.try_set(Some(answer.map_err(|e| e.message().to_owned())));
        });
    };
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match store.revoke_script_token(&id).await {
                Ok(()) => {
                    if made.with_untracked(|m| matches!(m, Some(Ok(t)) if t.id == id)) {
                        made.try_set(None);
                    }
                    read();
                }
                Err(e) => {
                    tokens.try_set(Some(Err(e.message().to_owned())));
                }
            }
        });
    };
    view! {
        <section class="card script-card" aria-labelledby="script-card-title">
            <h2 id="script-card-title">"Log from a script"</h2>
            <p class="muted">"The unchanged mlflow client logs here: set these two variables, then run the script. A token for scripts logs runs with your role and can do nothing else; it lasts 90 days, and you can take it back here."</p>
            <pre class="outputs-tab__text">{snippet}</pre>
            <div class="field">
                <label class="field__label" for="script-token-name">"Token name"</label>
                <input id="script-token-name" class="field__input" maxlength="100" placeholder="Token for scripts" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="toolbar">
                <Button on_click=move |_| copy_to_clipboard(&uri)>
                    <Icon name=IconName::Copy />
                    "Copy tracking URI"
                </Button>
                <Button on_click=create>"Create a token for scripts"</Button>
            </div>
            {move || made.get().map(|answer| match answer {
                Ok(t) => {
                    let token = t.token.clone().unwrap_or_default();
                    let shown = token.clone();
                    view! {
                        <div class="field">
                            <label class="field__label" for="script-token">{format!("{} (shown once: copy it now)", t.name)}</label>
                            <input id="script-token" class="field__input" readonly prop:value=shown />
                            <p class="muted field__help">{format!("Works until {}.", format_iso_time(&t.expires_on))}</p>
                            <Button on_click=move |_| copy_to_clipboard(&token)>
                                <Icon name=IconName::Copy />
                                "Copy token"
                            </Button>
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
            })}
            {move || tokens.get().map(|listed| match listed {
                Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                Ok(all) if all.is_empty() => view! { <p class="muted">"You have no tokens for scripts."</p> }.into_any(),
                Ok(all) => view! {
                    <table class="data-table" aria-label="Your tokens for scripts">
                        <thead><tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col"><span class="visually-hidden">"Revoke"</span></th>
                        </tr></thead>
                        <tbody>
                            {all.into_iter().map(|t| {
                                let id = t.id.clone();
                                let label = format!("Revoke {}", t.name);
                                view! {
                                    <tr>
                                        <td>{t.name.clone()}</td>
                                        <td>{t.created_on.as_deref().map(format_iso_time).unwrap_or_else(|| "—".into())}</td>
                                        <td>{format_iso_time(&t.expires_on)}</td>
                                        <td>
                                            <button type="button" class="button button--subtle" aria-label=label on:click=move |_| revoke(id.clone())>"Revoke"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </section>
    }
}

/// The All experiments tab.
#[component]
pub fn ExperimentsPage() -> impl IntoView {
    let store = use_store();
    let search = query_state::<String>("search");
    let listed = RwSignal::new(None::<Result<Vec<ExperimentSummary>, String>>);
    let read = move || {
        leptos::task::spawn_local(async move {
            let read = store.job_experiments().await;
            listed.set(Some(read.map_err(|e| e.message().to_owned())));
        });
    };
    Effect::new(move |_| {
        store.runs_changed().track();
        read();
    });
    let shown = move || {
        let query = search.get().to_lowercase();
        listed.get().map(|r| {
            r.map(|all| {
                all.into_iter()
                    .filter(|e| query.is_empty() || e.name.to_lowercase().contains(&query))
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <Breadcrumbs items=vec![("Jobs".into(), "".into())] />
        <header class="page-header">
            <h1>"Jobs"</h1>
        </header>
        <JobsTabs />
        <p class="muted tab-intro">
            "An experiment groups the jobs of one piece of work; each run a script logs with MLflow is a job."
        </p>
        // A workspace kept in this browser has no tracking server for scripts to log to.
        {store.is_shared().then(script_card)}
        <div class="toolbar" role="toolbar" aria-label="Experiment actions">
            <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(azimuth_core::workspace::roles::Action::WriteJobs)) on_click=move |_| crate::router::navigate("/jobs/create")>
                "Submit from YAML"
            </Button>
            <Button appearance=Appearance::Subtle on_click=move |_| read()>
                <Icon name=IconName::Refresh />
                "Refresh"
            </Button>
        </div>
        <div class="filters">{search_box("Search experiments", search)}</div>
        {move || match shown() {
            None => view! { <p class="muted" role="status">"Loading experiments…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <div class="table-wrap">
                    <table class="data-table" aria-label="Experiments">
                        <thead>
                            <tr>
                                <th scope="col">"Experiment"</th>
                                <th scope="col">"Jobs"</th>
                                <th scope="col">"Latest job"</th>
                                <th scope="col">"Created on"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|e| {
                                let link = crate::router::href(&format!("/jobs/experiments/{}", e.id));
                                view! {
                                    <tr>
                                        <td class="data-table__name"><a href=link>{e.name}</a></td>
                                        <td class="data-table__number">{e.runs}</td>
                                        <td>{e.latest_run.map(format_time).unwrap_or_else(|| "—".into())}</td>
                                        <td>{format_time(e.created)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
