//! The AutoML wizard's "Task settings" step: the target column from the table's own columns,
//! the primary metric, the positive class, allowed and blocked models, featurization, limits,
//! and "Validate and test" (`validate.rs`).

use super::featurization::ColumnFeaturization;
use super::form::AutomlForm;
use super::validate::ValidateAndTest;
use crate::components::TextField;
use azimuth_core::ml::models::Algorithm;
use azimuth_core::ml::sweep::PrimaryMetric;
use leptos::prelude::*;

/// The chosen table's first rows as read (its columns, and rows of values), or why they could
/// not be; none while they are read.
pub type Columns = RwSignal<Option<Result<(Vec<String>, Vec<Vec<String>>), String>>>;

/// A labelled checkbox bound to `value`.
fn checkbox(label: &'static str, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="checkbox">
            <input type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
            {label}
        </label>
    }
}

/// A checkbox per algorithm, adding to or removing from `list`.
fn algorithm_boxes(legend: &'static str, list: RwSignal<Vec<String>>) -> impl IntoView {
    view! {
        <fieldset class="checkbox-grid">
            <legend>{legend}</legend>
            {Algorithm::ALL.iter().map(|algorithm| {
                let name = algorithm.name();
                view! {
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || list.with(|l| l.iter().any(|n| n == name)) on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            list.update(|l| {
                                l.retain(|n| n != name);
                                if on {
                                    l.push(name.to_owned());
                                }
                            });
                        } />
                        {name}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A select of `options` (value, label) bound to `value`.
pub(super) fn select(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="field" for=id>
            <span class="field__label">{label}</span>
            <select id=id class="field__input" on:change=move |ev| value.set(event_target_value(&ev))>
                {options.into_iter().map(|(v, l)| {
                    let selected = { let v = v.clone(); move || value.get() == v };
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
            <span class="field__hint">{hint}</span>
        </label>
    }
}

/// The Task settings step over the chosen table's `columns`.
#[component]
pub fn TaskSettings(
    /// The wizard's fields.
    form: AutomlForm,
    /// The chosen table's first rows.
    columns: Columns,
) -> impl IntoView {
    // The target's values in the first rows, for the positive class.
    let target_values = Memo::new(move |_| {
        let target = form.target.get();
        columns.with(|c| match c {
            Some(Ok((names, rows))) => {
                let at = names.iter().position(|n| *n == target);
                let mut values: Vec<String> = at.map_or(Vec::new(), |j| {
                    rows.iter()
                        .filter_map(|r| r.get(j).cloned())
                        .filter(|v| !v.trim().is_empty())
                        .collect()
                });
                values.sort();
                values.dedup();
                values
            }
            _ => Vec::new(),
        })
    });
    let column_options = move || match columns.get() {
        Some(Ok((names, _))) => names
            .into_iter()
            .map(|n| (n.clone(), n))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    view! {
        {move || match columns.get() {
            None if form.data.with(Option::is_some) => view! { <p class="muted">"Reading the table's columns…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
            _ => ().into_any(),
        }}
        {move || {
            let mut options = vec![(String::new(), "Choose the column to predict".to_owned())];
            options.extend(column_options());
            select("Target column", "automl-target", form.target, options, "The column whose class each row is.")
        }}
        {select("Primary metric", "automl-metric", form.metric, PrimaryMetric::ALL.iter().map(|m| (m.arm_name().to_owned(), m.label().to_owned())).collect(), "What the trials are ranked by.")}
        {move || {
            let mut options = vec![(String::new(), "(the last class)".to_owned())];
            options.extend(target_values.get().into_iter().map(|v| (v.clone(), v)));
            select("Positive class label", "automl-positive", form.positive, options, "For two classes: the class AUC_binary and the curves are about.")
        }}
        {checkbox("Use all supported models", form.all_models)}
        <Show when=move || !form.all_models.get()>{algorithm_boxes("Allowed models", form.allowed)}</Show>
        {algorithm_boxes("Blocked models", form.blocked)}
        {checkbox("Enable featurization", form.featurization)}
        <p class="muted">"Missing values imputed, categories one-hot or hashed, numbers scaled, identifier columns dropped; off, every column must already be a number."</p>
        {move || match (form.featurization.get(), columns.get()) {
            (true, Some(Ok((names, _)))) => view! { <ColumnFeaturization form=form columns=names /> }.into_any(),
            _ => ().into_any(),
        }}
        <h4>"Limits"</h4>
        <TextField label="Max trials" id="automl-trials" value=form.max_trials hint="1 to 1,000." />
        <TextField label="Max concurrent trials" id="automl-concurrent" value=form.concurrent hint="Kept with the job; trials here run one after another." />
        <TextField label="Metric score threshold" id="automl-exit" value=form.exit_score hint="Optional: stop once a trial reaches it (0 to 1)." />
        <TextField label="Experiment timeout (minutes)" id="automl-timeout" value=form.timeout />
        <TextField label="Iteration timeout (minutes)" id="automl-trial-timeout" value=form.trial_timeout hint="Optional; kept with the job but not enforced here: a trial runs to its end." />
        {checkbox("Enable early termination", form.early)}
        <ValidateAndTest form />
    }
}
