//! The "Create batch endpoint" wizard (`/endpoints/batch/create`), in Azure's steps (`steps.rs`),
//! checked step by step (`form.rs`): Next stays on a step with a problem and says what it is.
//! Create makes the endpoint and its first deployment and opens the endpoint's page; whatever
//! the store refuses is shown beside Create, and nothing typed is lost.

use super::form::{BatchForm, STEPS};
use super::steps::{compute_step, deployment_step, endpoint_step, review_step};
use crate::components::{guard_close, Appearance, Button, Dialog, DiscardPrompt, WizardSteps};
use crate::pages::endpoints::steps::model_step;
use crate::router::{leave_held, leave_to};
use crate::store::use_store;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

crate::lazy_page! {
    /// The wizard, in a chunk of its own.
    pub(crate) create_batch_wizard in batch_endpoint_create => |_| view! { <BatchWizard /> }.into_any()
}

/// The wizard dialog, at `/endpoints/batch/create`.
#[component]
pub fn BatchWizard() -> impl IntoView {
    let store = use_store();
    let form = BatchForm::from_address(store);
    let step = RwSignal::new(0usize);
    let failure = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let done = StoredValue::new(None::<String>);
    let unsaved = Signal::derive(move || {
        !form.endpoint_name.get().is_empty() || !form.description.get().is_empty()
    });
    let close = Callback::new(move |_| match done.get_value() {
        Some(page) => leave_to(&page),
        None => leave_held("/endpoints/batch"),
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
        let page = format!("/endpoints/batch/{}", plan.endpoint);
        creating.set(true);
        leptos::task::spawn_local(async move {
            let made = store.create_batch_endpoint(plan).await;
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
    let model_error = Signal::derive(move || form.tried.get().then(|| error_at(1)).flatten());
    let panel = move || match title() {
        "Endpoint" => endpoint_step(store, form).into_any(),
        "Model" => model_step(store, form.model, model_error).into_any(),
        "Deployment" => deployment_step(form).into_any(),
        "Compute" => compute_step(store, form).into_any(),
        _ => review_step(store, form).into_any(),
    };
    let flagged = move |i: usize| form.tried.get() && error_at(i).is_some();
    let select = Callback::new(move |i| {
        form.tried.set(false);
        step.set(i);
    });
    view! {
        <Dialog title="Create batch endpoint" class="dialog--wizard" on_close=guard.request keep_on_outside_click=true>
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
            <DiscardPrompt guard title="Discard the new batch endpoint?" />
        </Dialog>
    }
}
