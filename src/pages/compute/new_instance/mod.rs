//! The "+ New" compute instance wizard, faithful to the studio's steps: Required settings,
//! Scheduling, Security, Tags, then Review + Create.

mod edit_schedules;
mod form;
mod required;
mod review;
mod scheduling;
mod security;
mod tags;

pub use edit_schedules::EditSchedules;

use crate::components::WizardSteps;
use crate::components::{guard_close, Appearance, Button, Dialog, DiscardPrompt};
use crate::router::leave_to;
use crate::store::use_store;
use form::{InstanceForm, Step};
use leptos::prelude::*;

crate::lazy_page! {
    /// The wizard, in a chunk of its own: downloaded when "+ New" is first selected.
    pub(crate) new_instance_wizard in new_instance => |_| view! { <NewInstanceWizard /> }.into_any()
}

/// The wizard dialog; "Create" or "Cancel" returns to the instances list.
#[component]
pub fn NewInstanceWizard() -> impl IntoView {
    let store = use_store();
    let form = InstanceForm::new(&store.workspace.with_untracked(|w| w.resource_group.clone()));
    let step = RwSignal::new(Step::Required);
    // What was entered: a name, or any setting changed from the defaults.
    let me = store.member_name.get_untracked();
    let untouched = untrack(|| store.workspace.with(|w| form.request(w, &me)));
    let unsaved = Signal::derive(move || {
        !form.name.get().is_empty() || store.workspace.with(|w| form.request(w, &me)) != untouched
    });
    let guard = guard_close(
        unsaved,
        Callback::new(move |_| leave_to("/compute/instances")),
    );
    let problems = Memo::new(move |_| review::blocking_problems(&form));
    // True while a create is on its way (to the server, in server mode).
    let creating = RwSignal::new(false);
    let create = move |_| {
        if !problems.get_untracked().is_empty() {
            step.set(Step::Review);
            return;
        }
        if creating.get_untracked() {
            return;
        }
        let body = store
            .workspace
            .with_untracked(|w| form.request(w, &store.member_name.get_untracked()));
        creating.set(true);
        leptos::task::spawn_local(async move {
            let created = store.create_compute(&form.name.get_untracked(), body).await;
            creating.set(false);
            if created.is_ok() {
                guard.leave.run(());
            }
        });
    };
    let go = move |delta: isize| {
        let i =
            (step.get_untracked().index() as isize + delta).clamp(0, Step::ALL.len() as isize - 1);
        step.set(Step::ALL[i as usize]);
    };
    // A name not typed yet is not flagged on the step list until Review + Create was seen.
    let review_seen = form.review_seen;
    Effect::new(move |_| {
        if step.get() == Step::Review {
            review_seen.set(true);
        }
    });
    let step_has_errors = move |s: Step| {
        let untouched = s == Step::Required && form.name.get().is_empty() && !review_seen.get();
        !untouched && store.workspace.with(|w| !form.step_errors(s, w).is_empty())
    };
    let role_refusal = move || store.refusal(azimuth_core::workspace::roles::Action::WriteCompute);
    view! {
        <Dialog title="Create compute instance" class="dialog--wizard" on_close=guard.request keep_on_outside_click=true>
            <Show when=move || role_refusal().is_some()>
                <div class="message-bar message-bar--warning" role="status">
                    {move || role_refusal().unwrap_or_default()}
                    " You can look through the settings, but Create stays disabled."
                </div>
            </Show>
            <div class="wizard">
                <WizardSteps
                    titles=Step::TITLES
                    current=Signal::derive(move || step.get().index())
                    select=Callback::new(move |i: usize| step.set(Step::ALL[i]))
                    has_errors=Callback::new(move |i: usize| step_has_errors(Step::ALL[i]))
                />
                <div class="wizard__panel" role="tabpanel" id="wizard-panel" aria-label=move || step.get().title()>
                    <h3 class="wizard__panel-title">{move || step.get().title()}</h3>
                    {move || match step.get() {
                        Step::Required => view! { <required::RequiredStep form /> }.into_any(),
                        Step::Scheduling => view! { <scheduling::SchedulingStep form /> }.into_any(),
                        Step::Security => view! { <security::SecurityStep form /> }.into_any(),
                        Step::Tags => view! { <tags::TagsStep form /> }.into_any(),
                        Step::Review => view! { <review::ReviewStep form /> }.into_any(),
                    }}
                </div>
            </div>
            <div class="dialog__actions wizard__footer">
                <Show
                    when=move || step.get() == Step::Review
                    fallback=move || {
                        view! {
                            <Button appearance=Appearance::Primary on_click=move |_| step.set(Step::Review)>
                                "Review + Create"
                            </Button>
                        }
                    }
                >
                    <Button
                        appearance=Appearance::Primary
                        blocked=Signal::derive(move || problems.get().first().cloned())
                        disabled=creating
                        on_click=create
                    >
                        "Create"
                    </Button>
                </Show>
                <Button disabled=Signal::derive(move || step.get() == Step::Required) on_click=move |_| go(-1)>"Back"</Button>
                <Show when=move || step.get() != Step::Review>
                    <Button on_click=move |_| go(1)>"Next"</Button>
                </Show>
                <Button appearance=Appearance::Subtle on_click=move |_| guard.request.run(())>"Cancel"</Button>
            </div>
            <DiscardPrompt guard title="Discard the new compute?" />
        </Dialog>
    }
}
