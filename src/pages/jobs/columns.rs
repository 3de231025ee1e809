//! The runs table's "Columns" dialog: which params, metrics (their last, least or greatest
//! value) and tags show as columns, kept in the address.

use crate::components::Dialog;
use azimuth_core::jobs::table::{Column, Keys, Stat};
use leptos::prelude::*;

/// "Columns": which params, metrics (last, least, greatest) and tags the table shows.
#[component]
pub fn ColumnPicker(
    /// Every key the runs have.
    keys: RwSignal<Keys>,
    /// The chosen columns, as the address keeps them.
    columns: RwSignal<String>,
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    let has = move |spec: &str| columns.with(|c| c.split(',').any(|s| s == spec));
    let toggle = move |spec: String, on: bool| {
        columns.update(|c| {
            let mut list: Vec<String> = c
                .split(',')
                .filter(|s| !s.is_empty() && *s != spec)
                .map(str::to_owned)
                .collect();
            if on {
                list.push(spec);
            }
            *c = list.join(",");
        })
    };
    let check = move |column: Column, label: String| {
        let spec = column.spec();
        let checked = {
            let spec = spec.clone();
            move || has(&spec)
        };
        view! {
            <label class="checkbox">
                <input
                    type="checkbox"
                    prop:checked=checked
                    on:change=move |ev| toggle(spec.clone(), event_target_checked(&ev))
                />
                {label}
            </label>
        }
    };
    view! {
        <Dialog title="Columns" on_close>
            <p class="muted">"Choose the params, metrics and tags to show as columns; a metric can show its last, least or greatest value."</p>
            <div class="column-picker">
                <fieldset>
                    <legend>"Metrics"</legend>
                    {move || keys.with(|k| k.metrics.clone()).into_iter().map(|key| view! {
                        <div class="column-picker__metric">
                            <span class="column-picker__key">{key.clone()}</span>
                            {check(Column::Metric(key.clone(), Stat::Last), "Last".into())}
                            {check(Column::Metric(key.clone(), Stat::Min), "Min".into())}
                            {check(Column::Metric(key.clone(), Stat::Max), "Max".into())}
                        </div>
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Params"</legend>
                    {move || keys.with(|k| k.params.clone()).into_iter().map(|key| check(Column::Param(key.clone()), key)).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Tags"</legend>
                    {move || keys.with(|k| k.tags.clone()).into_iter().map(|key| check(Column::Tag(key.clone()), key)).collect_view()}
                </fieldset>
            </div>
            <div class="dialog__actions">
                <button type="button" class="button button--primary" on:click=move |_| on_close.run(())>"Done"</button>
            </div>
        </Dialog>
    }
}
