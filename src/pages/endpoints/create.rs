//! The "Deploy a model" wizard (`/endpoints/create`), in Azure's steps: Model, Endpoint,
//! Deployment, Traffic and Review (`steps.rs`), checked step by step (`form.rs`): Next stays on
//! a step with a problem and says what it is. Create deploys (the endpoint first when it is
//! new) and opens the endpoint's page; whatever the store refuses (quota, a name taken in the
//! region) is shown beside Create.

use super::form::{DeployForm, DEPLOYMENT_NAMES, STEPS};
use super::steps::{deployment_step, endpoint_step, model_step, review_step, traffic_step};
use super::traffic::{share_rows, ShareRow};
use crate::components::{guard_close, Appearance, Button, Dialog, DiscardPrompt, WizardSteps};
use crate::router::{leave_held, leave_to};
use crate::store::use_store;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

crate::lazy_page! {
    /// The wizard, in a chunk of its own.
    pub(crate) create_endpoint_wizard in endpoint_create => |_| view! { <DeployWizard /> }.into_any()
}

/// Keeps the Traffic step's rows in step with the endpoint and deployment chosen: a new
/// endpoint's one deployment gets 100%; beside an existing endpoint's deployments (their
/// mirrored shares kept, so the engine's rules are checked here) the new one gets 0% (100%
/// when none has any). A deployment name already taken there moves on to a free
/// one of Azure's colours.
fn follow_choices(form: DeployForm) {
    let store = use_store();
    Effect::watch(
        move || (form.new_endpoint.get(), form.existing.get()),
        move |(new, existing): &(bool, String), _, _| {
            let dep = form.deployment.get_untracked();
            let rows = store.workspace.with_untracked(|w| {
                let found = if *new {
                    None
                } else {
                    w.endpoint(existing).ok()
                };
                let Some(e) = found else {
                    return vec![ShareRow::live(dep.clone(), 100)];
                };
                let p = &e.resource.properties;
                let names: Vec<String> = w
                    .deployments_of(existing)
                    .map(|d| d.resource.name.clone())
                    .collect();
                let mut rows = share_rows(&names, &p.traffic, &p.mirror_traffic);
                let free = DEPLOYMENT_NAMES
                    .iter()
                    .find(|n| names.iter().all(|r| !r.eq_ignore_ascii_case(n)));
                if let (true, Some(free)) = (DEPLOYMENT_NAMES.contains(&dep.as_str()), free) {
                    form.deployment.set((*free).to_owned());
                }
                let none = p.traffic.values().all(|s| *s == 0);
                let share = if none { 100 } else { 0 };
                rows.push(ShareRow::live(form.deployment.get_untracked(), share));
                rows
            });
            form.traffic.set(rows);
        },
        true,
    );
    // The new deployment's row is the last; it follows the name as it is typed.
    Effect::watch(
        move || form.deployment.get(),
        move |name, _, _| {
            form.traffic.0.update(|rows| {
                if let Some(last) = rows.last_mut() {
                    last.name = name.trim().to_owned();
                }
            })
        },
        false,
    );
}

/// The wizard dialog, at `/endpoints/create`.
#[component]
pub fn DeployWizard() -> impl IntoView {
    let store = use_store();
    let form = DeployForm::from_address(store);
    // A model chosen on its page starts at the Endpoint step.
    let step = RwSignal::new(usize::from(form.model.with_untracked(|m| !m.is_empty())));
    let failure = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let done = StoredValue::new(None::<String>);
    follow_choices(form);
    let unsaved = Signal::derive(move || {
        !form.endpoint_name.get().is_empty() || !form.description.get().is_empty()
    });
    let close = Callback::new(move |_| match done.get_value() {
        Some(page) => leave_to(&page),
        None => leave_held("/endpoints"),
    });
    let guard = guard_close(unsaved, close);
    let error_at = move |i: usize| form.step_error(store, i);
    let next = move |_| {
        let at = step.get_untracked();
        if untrack(|| error_at(at)).is_some() {
            form.tried.set(true);
        } else {
            form.tried.set(false);
            step.set(at + 1);
        }
    };
    let create = move |_| {
        failure.set(None);
        if let Some(i) = (0..STEPS.len()).find(|i| untrack(|| error_at(*i)).is_some()) {
            form.tried.set(true);
            step.set(i);
            failure.set(untrack(|| error_at(i)));
            return;
        }
        let plan = form.plan(store);
        let page = format!("/endpoints/{}", plan.endpoint);
        creating.set(true);
        leptos::task::spawn_local(async move {
            let made = store.deploy(plan).await;
            creating.set(false);
            match made {
                Ok(()) => {
                    done.set_value(Some(page));
                    guard.leave.run(());
                }
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    let title = move || STEPS[step.get().min(STEPS.len() - 1)];
    let panel = move || match title() {
        "Model" => model_step(
            store,
            form.model,
            Signal::derive(move || form.tried.get().then(|| form.model_error(store)).flatten()),
        )
        .into_any(),
        "Endpoint" => endpoint_step(store, form).into_any(),
        "Deployment" => deployment_step(store, form).into_any(),
        "Traffic" => traffic_step(form).into_any(),
        _ => review_step(store, form).into_any(),
    };
    let flagged = move |i: usize| form.tried.get() && error_at(i).is_some();
    let select = Callback::new(move |i| {
        form.tried.set(false);
        step.set(i);
    });
    view! {
        <Dialog title="Deploy a model" class="dialog--wizard" on_close=guard.request keep_on_outside_click=true>
            <div class="wizard">
                <WizardSteps titles=&STEPS current=step select has_errors=Callback::new(flagged) />
                <div class="wizard__panel" role="tabpanel" id="wizard-panel" aria-label=title>
                    <h3 class="wizard__panel-title">{title}</h3>
                    {panel}
                </div>
            </div>
            <div class="dialog__actions wizard__footer endpoint-create__footer">
                <Show when=move || { step.get() + 1 >= STEPS.len() } fallback=move || view! { <Button appearance=Appearance::Primary on_click=next>"Next"</Button> }>
                    <Button appearance=Appearance::Primary blocked=Signal::derive(move || store.refusal(Action::WriteEndpoints)) disabled=creating on_click=create>"Create"</Button>
                </Show>
                <Show when=move || { step.get() > 0 }>
                    <Button on_click=move |_| { form.tried.set(false); step.update(|s| *s -= 1) }>"Back"</Button>
                </Show>
                <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
                <Show when=move || creating.get()>
                    <span class="muted" role="status">"Creating…"</span>
                </Show>
                <Show when=move || failure.with(Option::is_some)>
                    <div class="message-bar message-bar--error endpoint-create__failure" role="alert">{move || failure.get().unwrap_or_default()}</div>
                </Show>
            </div>
            <DiscardPrompt guard title="Discard the new deployment?" />
        </Dialog>
    }
}
