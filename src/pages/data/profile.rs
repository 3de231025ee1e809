//! A data asset's Profile tab: per column its type, how many values are present, missing and
//! distinct, the numbers' min / max / mean / standard deviation with a small histogram, or the
//! most frequent values; for a Folder, its files by sub-folder and by type. The server
//! profiles its own files; the browser store profiles in a Web Worker, so the page stays
//! responsive however long the file.

use super::asset::in_datastore;
use super::explore::table_source;
use super::format_bytes;
use crate::store::{use_store, Store};
use azimuth_core::data::folder::{folder_profile, FolderProfile, Tally};
use azimuth_core::data::mltable::Storage;
use azimuth_core::data::profile::{
    format_count, format_statistic, Bin, Bound, ColumnProfile, Profile, TopValue,
};
use azimuth_core::data::DataVersionResource;
use leptos::prelude::*;

/// The Profile tab of one version.
#[component]
pub fn ProfileTab(version: DataVersionResource) -> impl IntoView {
    let store = use_store();
    let shown = RwSignal::new(None::<Result<Shown, String>>);
    leptos::task::spawn_local(async move {
        let answer = match (
            in_datastore(&version),
            version.properties.data_type.as_str(),
        ) {
            (Some((datastore, path)), "uri_folder") => folder(store, &datastore, &path).await,
            _ => table(store, &version).await,
        };
        shown.set(Some(answer));
    });
    move || match shown.get() {
        None => view! { <p class="muted" role="status">"Profiling…"</p> }.into_any(),
        Some(Err(why)) => {
            view! { <div class="message-bar message-bar--warning" role="status">{why}</div> }
                .into_any()
        }
        Some(Ok(Shown::Table(profile, from))) => profile_view(profile, from).into_any(),
        Some(Ok(Shown::Folder(profile))) => folder_view(profile).into_any(),
    }
}

/// What the tab shows.
#[derive(Clone)]
enum Shown {
    /// A table's profile, and the file it describes when a Table's MLTable chose it.
    Table(Profile, Option<String>),
    /// A folder's files, by sub-folder and type.
    Folder(FolderProfile),
}

/// Sub-folders of a Folder asset listed for its profile, at most.
const MAX_SUBFOLDERS: usize = 200;

async fn table(store: Store, version: &DataVersionResource) -> Result<Shown, String> {
    let source = table_source(store, version).await?;
    let encoding = source
        .mltable
        .as_ref()
        .map_or("utf8", |m| m.encoding.as_str());
    let profile = match source.storage {
        Storage::Text(format) => {
            store
                .profile_file(&source.datastore, &source.path, format, encoding)
                .await
        }
        Storage::Parquet => store.parquet_profile(&source.datastore, &source.path).await,
    }
    .map_err(|e| e.message().to_owned())?;
    Ok(match source.mltable {
        Some(mltable) => Shown::Table(mltable.shape_profile(profile), Some(source.path)),
        None => Shown::Table(profile, None),
    })
}

async fn folder(store: Store, datastore: &str, path: &str) -> Result<Shown, String> {
    let path = match path {
        "" => String::new(),
        p if p.ends_with('/') => p.to_owned(),
        p => format!("{p}/"),
    };
    let message = |e: azimuth_core::ArmError| e.message().to_owned();
    let top = store.list_files(datastore, &path).await.map_err(message)?;
    let mut below = Vec::new();
    for sub in top.folders.iter().take(MAX_SUBFOLDERS) {
        let listing = store
            .list_files(datastore, &format!("{path}{sub}/"))
            .await
            .map_err(message)?;
        below.push((format!("{sub}/"), listing));
    }
    Ok(Shown::Folder(folder_profile(&top, &below)))
}

fn tally_table(
    label: &'static str,
    first: &'static str,
    rows: Vec<(String, Tally)>,
    blank: &'static str,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table" aria-label=label>
                <thead><tr><th scope="col">{first}</th><th scope="col" class="data-table__number">"Files"</th><th scope="col" class="data-table__number">"Size"</th></tr></thead>
                <tbody>{rows.into_iter().map(|(name, t)| view! {
                    <tr>
                        <th scope="row">{if name.is_empty() { blank.to_owned() } else { name }}</th>
                        <td class="data-table__number">{format_count(t.files)}</td>
                        <td class="data-table__number">{format_bytes(t.bytes)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn folder_view(p: FolderProfile) -> impl IntoView {
    let summary = format!(
        "{} files, {} in all.",
        format_count(p.total.files),
        format_bytes(p.total.bytes)
    );
    let deeper = (!p.deeper.is_empty()).then(|| {
        format!(
            "Files in folders inside {} are not counted here; Explore a Folder asset made of one of them to see those.",
            p.deeper.join(", ")
        )
    });
    let types = p
        .by_type
        .into_iter()
        .map(|(t, tally)| (if t.is_empty() { t } else { format!(".{t}") }, tally))
        .collect();
    view! {
        <p class="muted">{summary}</p>
        {deeper.map(|n| view! { <div class="message-bar message-bar--warning" role="status">{n}</div> })}
        <section class="card" aria-labelledby="by-folder-title">
            <h2 id="by-folder-title">"By folder"</h2>
            {tally_table("Files by folder", "Folder", p.by_folder, "(this folder)")}
        </section>
        <section class="card" aria-labelledby="by-type-title">
            <h2 id="by-type-title">"By type"</h2>
            {tally_table("Files by type", "Type", types, "(no extension)")}
        </section>
    }
}

fn profile_view(profile: Profile, from: Option<String>) -> impl IntoView {
    let rows = profile.rows;
    let of = from.map(|f| format!(" of {f}")).unwrap_or_default();
    let summary = format!(
        "{} rows, {} columns{of}.",
        format_count(rows),
        format_count(profile.columns.len() as u64)
    );
    view! {
        <p class="muted">{summary}</p>
        {profile.note.map(|n| view! { <div class="message-bar message-bar--warning" role="status">{n}</div> })}
        <div class="table-wrap">
            <table class="data-table profile-table" aria-label="Profile">
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col" class="data-table__number">"Count"</th>
                        <th scope="col" class="data-table__number">"Missing"</th>
                        <th scope="col" class="data-table__number">"Distinct"</th>
                        <th scope="col" class="data-table__number">"Min"</th>
                        <th scope="col" class="data-table__number">"Max"</th>
                        <th scope="col" class="data-table__number">"Mean"</th>
                        <th scope="col" class="data-table__number"><abbr title="Standard deviation">"Std. dev."</abbr></th>
                        <th scope="col">"Distribution"</th>
                    </tr>
                </thead>
                <tbody>{profile.columns.into_iter().map(column_row).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn column_row(c: ColumnProfile) -> impl IntoView {
    let missing = match (c.missing, c.count + c.missing) {
        (0, _) => "0".to_owned(),
        (m, total) => format!("{} ({}%)", format_count(m), m * 100 / total.max(1)),
    };
    let distinct = match c.distinct_exact {
        true => format_count(c.distinct),
        false => format!("≈ {}", format_count(c.distinct)),
    };
    let statistic = |x: Option<f64>| x.map(format_statistic).unwrap_or_default();
    // Numbers read alike in every column (`1,000,005`); dates as written.
    let bound = |b: Option<Bound>| match b {
        Some(Bound::Number(n)) => format_statistic(n),
        Some(Bound::Text(t)) => t,
        None => String::new(),
    };
    let (min, max) = (bound(c.min.clone()), bound(c.max.clone()));
    let distribution = if !c.histogram.is_empty() {
        histogram(&c.name, &c.histogram).into_any()
    } else if !c.top.is_empty() {
        top_values(&c.top, c.count).into_any()
    } else if c.count > 0 {
        view! { <span class="muted">"Mostly distinct values"</span> }.into_any()
    } else {
        ().into_any()
    };
    view! {
        <tr>
            <th scope="row">{c.name.clone()}</th>
            <td>{c.column_type.label()}</td>
            <td class="data-table__number">{format_count(c.count)}</td>
            <td class="data-table__number">{missing}</td>
            <td class="data-table__number">{distinct}</td>
            <td class="data-table__number">{min}</td>
            <td class="data-table__number">{max}</td>
            <td class="data-table__number">{statistic(c.mean)}</td>
            <td class="data-table__number">{statistic(c.std_dev)}</td>
            <td>{distribution}</td>
        </tr>
    }
}

/// Bars of a histogram, as SVG; each bar's range and count in its tooltip.
fn histogram(column: &str, bins: &[Bin]) -> impl IntoView {
    const WIDTH: usize = 160;
    const HEIGHT: u64 = 36;
    let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let step = WIDTH / bins.len().max(1);
    let bars = bins
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let height = (b.count * HEIGHT).div_ceil(most);
            let tip = format!(
                "{} to {}: {}",
                format_statistic(b.low),
                format_statistic(b.high),
                format_count(b.count)
            );
            view! {
                <rect x=(i * step).to_string() y=(HEIGHT - height).to_string() width=step.saturating_sub(1).max(1).to_string() height=height.to_string()>
                    <title>{tip}</title>
                </rect>
            }
        })
        .collect_view();
    let label = format!(
        "Histogram of {column}: {} to {}",
        format_statistic(bins[0].low),
        format_statistic(bins[bins.len() - 1].high)
    );
    view! {
        <svg class="profile-histogram" role="img" aria-label=label viewBox=format!("0 0 {WIDTH} {HEIGHT}") width=WIDTH.to_string() height=HEIGHT.to_string()>
            {bars}
        </svg>
    }
}

/// The most frequent values, each with a bar as long as its share of the rows.
fn top_values(top: &[TopValue], count: u64) -> impl IntoView {
    view! {
        <ul class="profile-top">
            {top.iter().take(3).map(|t| {
                let share = t.count * 100 / count.max(1);
                view! {
                    <li>
                        <span class="profile-top__bar" style:width=format!("{share}%")></span>
                        <span class="profile-top__value">{t.value.clone()}</span>
                        <span class="profile-top__count">{format_count(t.count)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
