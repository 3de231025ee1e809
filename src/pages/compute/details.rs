//! /compute/instances/{name}: an instance's properties, its actions, its schedules (editable),
//! and its ARM JSON and CLI YAML.

use super::actions::LifecycleButtons;
use super::instances::{member_label, ApplicationLinks};
use super::new_instance::EditSchedules;
use crate::components::{format_iso_time, format_price, prop, Button, CodeView, StateBadge};
use crate::router::{leave_to, query_state};
use crate::shell::Breadcrumbs;
use crate::store::use_store;
use azimuth_core::compute::application_refusal;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cost::{hourly_cost, price_per_machine};
use azimuth_core::compute::yaml::instance_yaml;
use azimuth_core::time::parse_duration_seconds;
use azimuth_core::workspace::roles::Action;
use azimuth_core::StoredCompute;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The views of an instance: (id in the address, tab label).
const VIEWS: [(&str, &str); 3] = [("details", "Details"), ("json", "JSON"), ("yaml", "YAML")];

/// A compute's tags in words: `team: lab, course: dp-100`.
pub(super) fn describe_tags(c: &StoredCompute) -> String {
    c.resource
        .tags
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Idle shutdown in words: `After 60 minutes of inactivity`, or `Off`.
pub(super) fn describe_idle_shutdown(idle: Option<&str>) -> String {
    idle.and_then(parse_duration_seconds).map_or_else(
        || "Off".into(),
        |s| format!("After {} minutes of inactivity", s / 60),
    )
}

/// An instance's schedules in words, separated by semicolons.
pub(super) fn describe_schedules(
    schedules: Option<&azimuth_core::compute::ComputeSchedules>,
) -> String {
    schedules
        .map(|s| {
            s.compute_start_stop
                .iter()
                .map(describe_schedule)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// A schedule in words, e.g. `Stop at 18:00 every day (Pacific Standard Time)`.
fn describe_schedule(s: &azimuth_core::compute::StartStopSchedule) -> String {
    let when = if let Some(c) = &s.cron {
        format!("cron \"{}\" ({})", c.expression, c.time_zone)
    } else if let Some(r) = &s.recurrence {
        let times: Vec<String> = r
            .schedule
            .hours
            .iter()
            .flat_map(|h| {
                r.schedule
                    .minutes
                    .iter()
                    .map(move |m| format!("{h:02}:{m:02}"))
            })
            .collect();
        let days = if r.schedule.week_days.is_empty() {
            "every day".to_owned()
        } else {
            r.schedule.week_days.join(", ")
        };
        format!("at {} on {days} ({})", times.join(", "), r.time_zone)
    } else {
        String::new()
    };
    let disabled = if s.status == "Enabled" {
        ""
    } else {
        " — disabled"
    };
    format!("{} {when}{disabled}", s.action)
}

/// The properties of an instance as (label, value) lines.
fn properties(c: &StoredCompute, w: &azimuth_core::Workspace) -> Vec<(&'static str, String)> {
    let props = &c.resource.properties;
    let inner = &props.properties;
    let size = find_vm_size(&inner.vm_size);
    let ssh = inner.ssh_settings.clone().unwrap_or_default();
    let ssh_on = ssh.ssh_public_access == "Enabled";
    let ep = inner.connectivity_endpoints.clone().unwrap_or_default();
    let last = inner.last_operation.as_ref().map(|l| {
        let status = match l.operation_status.as_str() {
            "InProgress" => "in progress".to_owned(),
            "Succeeded" => "succeeded".to_owned(),
            failed => format!("failed ({failed})"),
        };
        let by = match l.operation_trigger.as_str() {
            "Schedule" => "a schedule",
            "IdleShutdown" => "idle shutdown",
            _ => "a user",
        };
        format!(
            "{} {status}; requested by {by}, {}",
            l.operation_name,
            format_iso_time(&l.operation_time)
        )
    });
    vec![
        ("State", inner.state.clone().unwrap_or_default()),
        ("Description", props.description.clone().unwrap_or_default()),
        (
            "Provisioning state",
            props.provisioning_state.clone().unwrap_or_default(),
        ),
        ("Virtual machine size", inner.vm_size.clone()),
        (
            "Processor and memory",
            size.map(|s| s.summary()).unwrap_or_default(),
        ),
        (
            "Estimated cost",
            price_per_machine(c, w)
                .map(|running| match hourly_cost(c, w) {
                    now if now == running => {
                        format!("{} (Linux, pay as you go)", format_price(now))
                    }
                    now => format!(
                        "{} now ({} while running; Linux, pay as you go)",
                        format_price(now),
                        format_price(running)
                    ),
                })
                .unwrap_or_default(),
        ),
        ("Location", w.region().display_name.to_owned()),
        (
            "Created by",
            inner
                .created_by
                .as_ref()
                .map(|b| member_label(w, &b.user_id))
                .unwrap_or_default(),
        ),
        (
            "Created on",
            props
                .created_on
                .as_deref()
                .map(format_iso_time)
                .unwrap_or_default(),
        ),
        (
            "Assigned to",
            inner
                .personal_compute_instance_settings
                .as_ref()
                .map(|p| member_label(w, &p.assigned_user.object_id))
                .unwrap_or_default(),
        ),
        (
            "SSH access",
            if ssh_on {
                "Enabled".into()
            } else {
                "Disabled".into()
            },
        ),
        (
            "SSH admin user",
            if ssh_on {
                ssh.admin_user_name.clone().unwrap_or_default()
            } else {
                String::new()
            },
        ),
        (
            "SSH port",
            if ssh_on {
                ssh.ssh_port.map(|p| p.to_string()).unwrap_or_default()
            } else {
                String::new()
            },
        ),
        (
            "Public IP address",
            ep.public_ip_address
                .unwrap_or_else(|| "None (no public IP)".into()),
        ),
        (
            "Private IP address",
            ep.private_ip_address.unwrap_or_default(),
        ),
        (
            "Virtual network",
            inner
                .subnet
                .as_ref()
                .map(|s| s.id.clone())
                .unwrap_or_else(|| "None".into()),
        ),
        (
            "Root access",
            if inner.enable_root_access == Some(false) {
                "Disabled".into()
            } else {
                "Enabled".into()
            },
        ),
        (
            "Idle shutdown",
            describe_idle_shutdown(inner.idle_time_before_shutdown.as_deref()),
        ),
        ("Schedules", describe_schedules(inner.schedules.as_ref())),
        ("Tags", describe_tags(c)),
        ("Last operation", last.unwrap_or_default()),
    ]
}

/// The details page of one compute instance.
#[component]
pub fn InstanceDetailsPage(
    /// The instance's name, from the path.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let name = Signal::stored(name);
    let compute = Memo::new(move |_| store.workspace.with(|w| w.instance(&name.get()).cloned()));
    // The view is in the address (?tab=json), so a reload or a shared link opens it again.
    let asked = query_state::<String>("tab");
    let tab = Memo::new(move |_| {
        asked.with(|asked| {
            VIEWS
                .iter()
                .map(|(v, _)| *v)
                .find(|v| v == asked)
                .unwrap_or("details")
        })
    });
    let editing = RwSignal::new(false);
    let show_tab = move |id: &'static str| {
        asked.set(if id == "details" { "" } else { id }.to_owned());
    };
    let on_deleted = Callback::new(move |_| leave_to("/compute/instances"));
    view! {
        <Breadcrumbs items=vec![
            ("Compute".into(), "/compute/instances".into()),
            ("Compute instances".into(), "/compute/instances".into()),
            (name.get_untracked(), "".into()),
        ] />
        <Show
            when=move || compute.with(Option::is_some)
            fallback=move || {
                view! {
                    <section class="empty-state">
                        <h1>{move || name.get()}</h1>
                        <p>"There is no compute instance with this name in the workspace. It may have been deleted."</p>
                        <p><a href=crate::router::href("/compute/instances")>"Back to compute instances"</a></p>
                    </section>
                }
            }
        >
            <header class="page-header page-header--with-badge">
                <h1>{move || name.get()}</h1>
                <StateBadge state=Signal::derive(move || compute.get().and_then(|c| c.resource.properties.properties.state).unwrap_or_default()) />
            </header>
            <div class="toolbar" role="toolbar" aria-label="Compute instance actions">
                <LifecycleButtons selection=Signal::derive(move || vec![name.get()]) on_deleted />
            </div>
            <div class="tabs" role="tablist" aria-label="Compute instance views">
                {VIEWS
                    .into_iter()
                    .map(|(id, label)| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tabs__tab"
                                id=format!("view-{id}")
                                aria-controls="view-panel"
                                aria-selected=move || (tab.get() == id).to_string()
                                tabindex=move || if tab.get() == id { "0" } else { "-1" }
                                on:click=move |_| show_tab(id)
                                on:keydown=move |ev| {
                                    let at = VIEWS.iter().position(|(v, _)| *v == id).unwrap_or(0);
                                    let to = match ev.key().as_str() {
                                        "ArrowRight" => (at + 1) % VIEWS.len(),
                                        "ArrowLeft" => (at + VIEWS.len() - 1) % VIEWS.len(),
                                        _ => return,
                                    };
                                    show_tab(VIEWS[to].0);
                                    if let Some(t) = document().get_element_by_id(&format!("view-{}", VIEWS[to].0)) {
                                        let _ = t.unchecked_into::<web_sys::HtmlElement>().focus();
                                    }
                                }
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div role="tabpanel" class="details" id="view-panel" aria-labelledby=move || format!("view-{}", tab.get())>
                {move || {
                    let Some(c) = compute.get() else { return ().into_any() };
                    match tab.get() {
                        "json" => {
                            let json = azimuth_core::arm::json::to_pretty_json(&c.resource);
                            view! { <CodeView title="ARM JSON" code=json file_name=format!("{}.json", c.resource.name) /> }.into_any()
                        }
                        "yaml" => {
                            let yaml = store.workspace.with(|w| instance_yaml(&c.resource.name, &c.resource, w));
                            view! { <CodeView title="Azure ML CLI v2 YAML" code=yaml file_name=format!("{}.yml", c.resource.name) /> }.into_any()
                        }
                        _ => {
                            let lines = store.workspace.with(|w| properties(&c, w));
                            let refusal = application_refusal(&c, &store.me());
                            view! {
                                <section class="card" aria-labelledby="apps-title">
                                    <h2 id="apps-title">"Applications"</h2>
                                    <div class="apps">
                                        <ApplicationLinks name=c.resource.name.clone() refusal=Signal::stored(refusal.clone()) />
                                    </div>
                                    {refusal.map(|r| view! { <p class="muted">{r}</p> })}
                                </section>
                                <section class="card" aria-labelledby="props-title">
                                    <h2 id="props-title">"Properties"</h2>
                                    <dl class="props">{lines.into_iter().map(|(l, v)| prop(l, v)).collect_view()}</dl>
                                    <div class="card__links">
                                        <Button
                                            blocked=Signal::derive(move || store.refusal(Action::WriteCompute))
                                            on_click=move |_| editing.set(true)
                                        >
                                            "Edit schedules"
                                        </Button>
                                    </div>
                                </section>
                            }
                            .into_any()
                        }
                    }
                }}
            </div>
            // Outside the view above, which follows every change: edits survive live updates.
            <Show when=move || editing.get()>
                {move || compute.get_untracked().map(|c| {
                    view! { <EditSchedules compute=c.resource close=Callback::new(move |_| editing.set(false)) /> }
                })}
            </Show>
        </Show>
    }
}
