//! The runs table's Filter box: MLflow's filter grammar (with OR, NOT and parentheses), checked
//! by the engine's parser as it is applied, so a mistake is explained before anything is asked.

use crate::components::Button;
use leptos::prelude::*;

/// The filter box: MLflow's filter, checked as it is applied.
#[component]
pub fn FilterBox(
    /// The filter in the address.
    filter: RwSignal<String>,
) -> impl IntoView {
    let draft = RwSignal::new(filter.get_untracked());
    let problem = RwSignal::new(None::<String>);
    // Back and Forward change the address's filter: the box follows.
    Effect::watch(
        move || filter.get(),
        move |f, _, _| draft.set(f.clone()),
        false,
    );
    let apply = move || {
        let text = draft.get_untracked();
        match azimuth_core::jobs::filter::parse(&text) {
            Ok(_) => {
                problem.set(None);
                filter.set(text.trim().to_owned());
            }
            Err(e) => problem.set(Some(e.message)),
        }
    };
    view! {
        <div class="filters runs-filter">
            <label class="field__label" for="runs-filter">"Filter"</label>
            <input
                id="runs-filter"
                class="field__input runs-filter__input"
                type="search"
                placeholder="metrics.accuracy > 0.9 and params.model = 'forest'"
                aria-describedby="runs-filter-help"
                aria-invalid=move || problem.with(Option::is_some).then_some("true")
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        apply();
                    }
                }
            />
            <Button on_click=move |_| apply()>"Apply"</Button>
            <p id="runs-filter-help" class="muted field__help">
                "metrics.<name>, params.<name>, tags.<name> and attributes.status, run_name, user_id, start_time; = != < <= > >= LIKE ILIKE IN; AND, OR, NOT and parentheses."
            </p>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
        </div>
    }
}
