//! A traffic split being edited: each deployment's share of the endpoint's live traffic and
//! (on the Details tab) of the traffic mirrored to it, in whole percent, checked as it is typed
//! with the engine's rules: the live shares add up to 100 or are all 0; at most 50% is
//! mirrored in all; a deployment with live traffic gets no mirrored traffic. Used by the
//! Create wizard's Traffic step and the Details tab's "Update traffic".

use azimuth_core::endpoints::rules::MAX_MIRROR;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One deployment's shares as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRow {
    /// The deployment's name.
    pub name: String,
    /// Its share of the live traffic, in percent as typed.
    pub live: String,
    /// Its share of the mirrored traffic, in percent as typed.
    pub mirror: String,
}

impl ShareRow {
    /// A row with `live` percent of the live traffic and no mirrored traffic.
    pub fn live(name: String, live: u32) -> Self {
        ShareRow {
            name,
            live: live.to_string(),
            mirror: "0".into(),
        }
    }
}

/// The shares as typed, in the order shown.
#[derive(Clone, Copy)]
pub struct TrafficShares(pub RwSignal<Vec<ShareRow>>);

/// Each row's whole percentage (from 0 to `max`) of one kind, or what is wrong with the first.
fn percents(
    rows: &[ShareRow],
    kind: fn(&ShareRow) -> &String,
    what: &str,
    max: u32,
) -> Result<BTreeMap<String, u32>, String> {
    rows.iter()
        .map(|row| match kind(row).trim().parse::<u32>() {
            Ok(share) if share <= max => Ok((row.name.clone(), share)),
            _ => Err(format!(
                "Give {} a whole percentage of {what} from 0 to {max}.",
                row.name
            )),
        })
        .collect()
}

/// The rows of an endpoint's live and mirrored splits (deployments without one get 0).
pub fn share_rows(
    deployments: &[String],
    traffic: &BTreeMap<String, u32>,
    mirror: &BTreeMap<String, u32>,
) -> Vec<ShareRow> {
    let share = |map: &BTreeMap<String, u32>, d: &String| map.get(d).copied().unwrap_or(0);
    deployments
        .iter()
        .map(|d| ShareRow {
            name: d.clone(),
            live: share(traffic, d).to_string(),
            mirror: share(mirror, d).to_string(),
        })
        .collect()
}

impl TrafficShares {
    /// Shows `rows` instead.
    pub fn set(&self, rows: Vec<ShareRow>) {
        self.0.set(rows);
    }

    /// The live split, or what is wrong with it (reactive).
    pub fn split(&self) -> Result<BTreeMap<String, u32>, String> {
        let split = self
            .0
            .with(|rows| percents(rows, |r| &r.live, "live traffic", 100))?;
        match split.values().sum::<u32>() {
            0 | 100 => Ok(split),
            total => Err(format!("The live shares add up to {total}%: they must add up to 100 (or all be 0, which sends no traffic).")),
        }
    }

    /// The mirrored split, or what is wrong with it (reactive).
    pub fn mirror(&self) -> Result<BTreeMap<String, u32>, String> {
        let split = self.split().unwrap_or_default();
        let mirror = self
            .0
            .with(|rows| percents(rows, |r| &r.mirror, "mirrored traffic", 100))?;
        if mirror.values().sum::<u32>() > MAX_MIRROR {
            return Err(format!(
                "At most {MAX_MIRROR}% of the traffic can be mirrored."
            ));
        }
        match mirror.iter().find(|(name, share)| **share > 0 && split.get(*name).is_some_and(|s| *s > 0)) {
            Some((name, _)) => Err(format!("The deployment '{name}' gets live traffic, so it cannot also get mirrored traffic.")),
            None => Ok(mirror.into_iter().filter(|(_, s)| *s > 0).collect()),
        }
    }

    /// What is wrong with the split, if anything (reactive).
    pub fn error(&self) -> Option<String> {
        self.split().err().or_else(|| self.mirror().err())
    }

    /// The total of one kind of share, of those that are numbers (reactive).
    fn total(&self, kind: fn(&ShareRow) -> &String) -> u32 {
        self.0.with(|rows| {
            rows.iter()
                .filter_map(|r| kind(r).trim().parse::<u32>().ok())
                .sum()
        })
    }
}

/// One share's number input; `kind` picks the share of a row, `set` writes it.
fn share_input(
    shares: TrafficShares,
    i: usize,
    label: String,
    max: u32,
    kind: fn(&ShareRow) -> &String,
    set: fn(&mut ShareRow, String),
) -> impl IntoView {
    let value = move || {
        shares
            .0
            .with(|r| r.get(i).map(|x| kind(x).clone()).unwrap_or_default())
    };
    let input = move |ev| {
        let text = event_target_value(&ev);
        shares.0.update(|r| {
            if let Some(row) = r.get_mut(i) {
                set(row, text);
            }
        });
    };
    view! {
        <td>
            <input type="number" class="field__input traffic__input" min="0" max=max step="1" inputmode="numeric"
                aria-label=label prop:value=value on:input=input />
            " %"
        </td>
    }
}

/// The split as a table of deployments and share inputs (live, and mirrored when `mirror`),
/// with the totals as they are typed and what is wrong.
#[component]
pub fn TrafficEditor(
    /// The shares being edited.
    shares: TrafficShares,
    /// Whether the mirrored shares are edited too.
    #[prop(optional)]
    mirror: bool,
) -> impl IntoView {
    // Only a change of the deployments listed draws the rows again (typing keeps the focus).
    let names = Memo::new(move |_| {
        shares
            .0
            .with(|r| r.iter().map(|r| r.name.clone()).collect::<Vec<_>>())
    });
    let rows = move || {
        names
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let live = share_input(
                    shares,
                    i,
                    format!("Traffic for {name} (%)"),
                    100,
                    |r| &r.live,
                    |r, t| r.live = t,
                );
                let mirrored = mirror.then(|| {
                    share_input(
                        shares,
                        i,
                        format!("Mirrored traffic to {name} (%)"),
                        MAX_MIRROR,
                        |r| &r.mirror,
                        |r, t| r.mirror = t,
                    )
                });
                view! { <tr><th scope="row">{name}</th>{live}{mirrored}</tr> }
            })
            .collect_view()
    };
    let error = move || shares.error();
    let bad_live = move || shares.split().is_err();
    let bad_mirror = move || shares.split().is_ok() && shares.mirror().is_err();
    view! {
        <table class="data-table traffic" aria-label="Traffic allocation">
            <thead><tr>
                <th scope="col">"Deployment"</th>
                <th scope="col">"Live traffic (%)"</th>
                {mirror.then(|| view! { <th scope="col">"Mirrored traffic (%)"</th> })}
            </tr></thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr>
                    <th scope="row">"Total"</th>
                    <td class:traffic__total--bad=bad_live>{move || format!("{} %", shares.total(|r| &r.live))}</td>
                    {mirror.then(|| view! {
                        <td class:traffic__total--bad=bad_mirror>{move || format!("{} % (at most {MAX_MIRROR})", shares.total(|r| &r.mirror))}</td>
                    })}
                </tr>
            </tfoot>
        </table>
        <p class="field__error" role="alert">{move || error().unwrap_or_default()}</p>
    }
}
