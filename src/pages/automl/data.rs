//! The AutoML wizard's data: the workspace's Table data assets to pick from (the training data
//! of "Task type & data", the test data of "Validate and test"), and "+ Create", which opens
//! the Create data asset wizard over this one and picks what it creates.

use super::form::AutomlForm;
use crate::components::Button;
use crate::lazy;
use crate::pages::data::{create_table_dialog, DataWizardHost};
use crate::store::use_store;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// A data asset (name) and its version.
type Picked = Option<(String, String)>;

/// A list of the workspace's Table data assets, latest versions, one picked into `value`.
#[component]
pub fn TablePicker(
    /// The table's accessible name, e.g. "Data assets".
    label: &'static str,
    /// The radio group's name.
    group: &'static str,
    /// The asset picked.
    value: RwSignal<Picked>,
    /// Called instead of setting `value` when one is picked, when given.
    #[prop(optional)]
    on_pick: Option<Callback<(String, String)>>,
) -> impl IntoView {
    let store = use_store();
    let tables = Memo::new(move |_| {
        store.workspace.with(|w| {
            w.data
                .iter()
                .filter(|c| !c.properties.is_archived)
                .filter_map(|c| {
                    let latest = c.properties.latest_version.clone()?;
                    let v = w.data_version(&c.name, &latest)?;
                    (v.properties.data_type == "mltable").then(|| {
                        let description = v.properties.description.clone().unwrap_or_default();
                        (c.name.clone(), latest, description)
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    move || {
        if tables.with(Vec::is_empty) {
            return view! { <p class="table-empty">"This workspace has no Table data asset yet."</p> }.into_any();
        }
        view! {
            <table class="data-table" aria-label=label>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Version"</th><th scope="col">"Description"</th></tr></thead>
                <tbody>
                    {tables.get().into_iter().map(|(name, version, description)| {
                        let pick = (name.clone(), version.clone());
                        let picked = pick.clone();
                        view! {
                            <tr>
                                <th scope="row">
                                    <label class="radio-inline">
                                        <input type="radio" name=group prop:checked=move || value.get().as_ref() == Some(&picked) on:change=move |_| match on_pick {
                                            Some(pick_it) => pick_it.run(pick.clone()),
                                            None => value.set(Some(pick.clone())),
                                        } />
                                        {name}
                                    </label>
                                </th>
                                <td>{version}</td>
                                <td class="cell-wrap">{description}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    }
}

/// The "Task type & data" step: the task, and the Table to train on, picked or created here.
#[component]
pub fn DataStep(
    /// The wizard's fields.
    form: AutomlForm,
) -> impl IntoView {
    let store = use_store();
    let creating = RwSignal::new(false);
    provide_context(DataWizardHost {
        created: Callback::new(move |picked| {
            form.pick_data(picked);
            creating.set(false);
        }),
        closed: Callback::new(move |_| creating.set(false)),
    });
    view! {
        <label class="field" for="automl-task">
            <span class="field__label">"Select task type"</span>
            <select id="automl-task" class="field__input">
                <option value="Classification" selected=true>"Classification"</option>
            </select>
            <span class="field__hint">"Regression, forecasting, vision and NLP tasks are not trained here."</span>
        </label>
        <h4>"Select data"</h4>
        <p class="muted">"A Table (mltable) data asset: the column to predict and the columns to learn from. Create one from a CSV or the sample data without leaving this job."</p>
        <div class="toolbar" role="toolbar" aria-label="Data asset actions">
            <Button blocked=Signal::derive(move || store.refusal(Action::WriteData)) on_click=move |_| creating.set(true)>"+ Create"</Button>
        </div>
        <TablePicker label="Data assets" group="automl-data" value=form.data on_pick=Callback::new(move |picked| form.pick_data(picked)) />
        <Show when=move || creating.get()>
            {lazy::show(create_table_dialog(), String::new())}
        </Show>
    }
}
