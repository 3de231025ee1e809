//! "View featurization settings" of the AutoML wizard: for each column but the target, its
//! feature type (Auto, Numeric, Categorical, or Ignore to leave it out) and what its missing
//! values are imputed with (Auto, Mean, Median, Most frequent), as Azure's studio asks. Any
//! choice other than Auto makes the job's featurization Custom.

use super::form::AutomlForm;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The feature types a column may be given (ARM's `columnNameAndTypes` values), Auto first.
const TYPES: [(&str, &str); 4] = [
    ("", "Auto"),
    ("Numeric", "Numeric"),
    ("Categorical", "Categorical"),
    ("Ignore", "Ignore (leave out)"),
];

/// The imputer strategies (ARM's `transformerParams.imputer` strategies), Auto first.
const IMPUTERS: [(&str, &str); 4] = [
    ("", "Auto"),
    ("mean", "Mean"),
    ("median", "Median"),
    ("most_frequent", "Most frequent"),
];

/// A select of `choices` for `column`, kept in `map` (Auto: absent).
fn choice(
    label: String,
    column: String,
    map: RwSignal<BTreeMap<String, String>>,
    choices: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    let key = column.clone();
    view! {
        <select class="field__input" aria-label=label on:change=move |ev| {
            let value = event_target_value(&ev);
            map.update(|m| {
                if value.is_empty() {
                    m.remove(&key);
                } else {
                    m.insert(key.clone(), value);
                }
            });
        }>
            {choices.iter().map(|(value, shown)| {
                let column = column.clone();
                let selected = move || map.with(|m| m.get(&column).map_or("", String::as_str) == *value);
                view! { <option value=*value selected=selected>{*shown}</option> }
            }).collect_view()}
        </select>
    }
}

/// The per-column featurization table of the wizard's Task settings step.
#[component]
pub fn ColumnFeaturization(
    /// The wizard's fields.
    form: AutomlForm,
    /// The table's columns.
    columns: Vec<String>,
) -> impl IntoView {
    view! {
        <details class="disclosure">
            <summary>"View featurization settings"</summary>
            <p class="muted">"Auto lets AutoML decide from the data. A column set to Ignore is left out of training."</p>
            <table class="data-table" aria-label="Featurization settings">
                <thead><tr>
                    <th scope="col">"Column"</th>
                    <th scope="col">"Feature type"</th>
                    <th scope="col">"Impute with"</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let target = form.target.get();
                        columns.iter().filter(|c| **c != target).map(|column| view! {
                            <tr>
                                <th scope="row">{column.clone()}</th>
                                <td>{choice(format!("Feature type of {column}"), column.clone(), form.column_types, &TYPES)}</td>
                                <td>{choice(format!("Impute {column} with"), column.clone(), form.imputers, &IMPUTERS)}</td>
                            </tr>
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </details>
    }
}
