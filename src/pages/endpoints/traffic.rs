//! A traffic split being edited: each deployment's share of the endpoint's live traffic, in
//! whole percent, checked as it is typed (the engine's rule: the shares add up to 100, or are
//! all 0). Used by the Create wizard's Traffic step and the Details tab's "Update traffic".

use leptos::prelude::*;
use std::collections::BTreeMap;

/// The shares as typed: (deployment, percent as text), in the order shown.
#[derive(Clone, Copy)]
pub struct TrafficShares(pub RwSignal<Vec<(String, String)>>);

impl TrafficShares {
    /// Shares from a split (deployments without one get 0).
    pub fn new(deployments: &[String], traffic: &BTreeMap<String, u32>) -> Self {
        let rows = deployments
            .iter()
            .map(|d| (d.clone(), traffic.get(d).copied().unwrap_or(0).to_string()))
            .collect();
        TrafficShares(RwSignal::new(rows))
    }

    /// Shows `rows` instead.
    pub fn set(&self, rows: Vec<(String, String)>) {
        self.0.set(rows);
    }

    /// The split, or what is wrong with it (reactive).
    pub fn split(&self) -> Result<BTreeMap<String, u32>, String> {
        self.0.with(|rows| {
            let mut split = BTreeMap::new();
            for (name, text) in rows {
                match text.trim().parse::<u32>() {
                    Ok(share) if share <= 100 => {
                        split.insert(name.clone(), share);
                    }
                    _ => return Err(format!("Give {name} a whole percentage from 0 to 100.")),
                }
            }
            let total: u32 = split.values().sum();
            match total {
                0 | 100 => Ok(split),
                _ => Err(format!("The shares add up to {total}%: they must add up to 100 (or all be 0, which sends no traffic).")),
            }
        })
    }

    /// What is wrong with the split, if anything (reactive).
    pub fn error(&self) -> Option<String> {
        self.split().err()
    }

    /// The total of the shares that are numbers (reactive).
    pub fn total(&self) -> u32 {
        self.0.with(|rows| {
            rows.iter()
                .filter_map(|(_, t)| t.trim().parse::<u32>().ok())
                .sum()
        })
    }
}

/// The split as a table of deployments and share inputs, with its total and what is wrong.
#[component]
pub fn TrafficEditor(
    /// The shares being edited.
    shares: TrafficShares,
) -> impl IntoView {
    // Only a change of the deployments listed draws the rows again (typing keeps the focus).
    let names = Memo::new(move |_| {
        shares
            .0
            .with(|r| r.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
    });
    let rows = move || {
        names
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let value = move || shares.0.with(|r| r.get(i).map(|x| x.1.clone()).unwrap_or_default());
                let set = move |ev| {
                    let text = event_target_value(&ev);
                    shares.0.update(|r| {
                        if let Some(row) = r.get_mut(i) {
                            row.1 = text;
                        }
                    });
                };
                view! {
                    <tr>
                        <th scope="row">{name.clone()}</th>
                        <td>
                            <input type="number" class="field__input traffic__input" min="0" max="100" step="1" inputmode="numeric"
                                aria-label=format!("Traffic for {name} (%)") prop:value=value on:input=set />
                            " %"
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let error = move || shares.error();
    view! {
        <table class="data-table traffic" aria-label="Traffic allocation">
            <thead><tr><th scope="col">"Deployment"</th><th scope="col">"Traffic (%)"</th></tr></thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th scope="row">"Total"</th>
                    <td class:traffic__total--bad=move || error().is_some()>{move || format!("{} %", shares.total())}</td>
                </tr>
            </tfoot>
        </table>
        <p class="field__error" role="alert">{move || error().unwrap_or_default()}</p>
    }
}
