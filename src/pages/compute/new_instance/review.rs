//! Step 5, "Review + Create": every setting, the estimated cost, the problems left, and the same
//! instance as the ARM request and as Azure ML CLI v2 YAML.

use super::form::{InstanceForm, Step};
use crate::components::{format_price, CodeView};
use crate::store::use_store;
use azimuth_core::compute::catalogue::{find_vm_size, VmKind};
use azimuth_core::compute::cost::price_per_hour;
use azimuth_core::compute::yaml::instance_yaml;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;

/// The API version Azimuth writes in the requests it shows.
pub const API_VERSION: &str = "2025-12-01";

/// Every problem that blocks "Create", in step order (reactive).
pub fn blocking_problems(form: &InstanceForm) -> Vec<String> {
    let store = use_store();
    // A role that may not create comes first: no other fix would help.
    if let Some(refusal) = store.refusal(Action::WriteCompute) {
        return vec![refusal];
    }
    let me = store.member_name.get();
    store.workspace.with(|w| {
        let mut problems: Vec<String> = Step::ALL
            .iter()
            .flat_map(|s| form.step_errors(*s, w))
            .collect();
        if problems.is_empty() {
            // The engine has the last word: quota and anything the fields cannot see.
            if let Err(e) = w.validate_instance_request(&form.name.get(), &form.request(w, &me)) {
                problems.push(e.message().to_owned());
            }
        }
        problems
    })
}

/// The review step.
#[component]
pub fn ReviewStep(form: InstanceForm) -> impl IntoView {
    let store = use_store();
    let request = Memo::new(move |_| {
        store
            .workspace
            .with(|w| form.request(w, &store.member_name.get()))
    });
    let problems = Memo::new(move |_| blocking_problems(&form));
    let path = move || {
        store.workspace.with(|w| {
            format!(
                "PUT {}/computes/{}?api-version={API_VERSION}",
                w.resource.id,
                form.name.get()
            )
        })
    };
    let json = Signal::derive(move || azimuth_core::arm::json::to_pretty_json(&request.get()));
    let yaml = Signal::derive(move || {
        store
            .workspace
            .with(|w| instance_yaml(&form.name.get(), &request.get(), w))
    });
    let file = move |ext: &str| {
        Signal::derive({
            let ext = ext.to_owned();
            move || {
                format!(
                    "{}.{ext}",
                    if form.name.get().is_empty() {
                        "compute-instance".into()
                    } else {
                        form.name.get()
                    }
                )
            }
        })
    };
    let summary = move || {
        let r = request.get();
        let inner = &r.properties.properties;
        let size = find_vm_size(&inner.vm_size);
        let region = store.workspace.with(|w| w.region());
        let assigned = inner
            .personal_compute_instance_settings
            .as_ref()
            .and_then(|p| {
                store.workspace.with(|w| {
                    w.member_by_object_id(&p.assigned_user.object_id)
                        .map(|m| m.name.clone())
                })
            })
            .unwrap_or_default();
        vec![
            ("Compute name", form.name.get()),
            (
                "Location",
                store.workspace.with(|w| w.region().display_name.to_owned()),
            ),
            (
                "Virtual machine type",
                if form.vm.kind.get() == VmKind::Cpu {
                    "CPU".into()
                } else {
                    "GPU".into()
                },
            ),
            (
                "Virtual machine size",
                size.map(|s| format!("{} ({})", s.name, s.summary()))
                    .unwrap_or_default(),
            ),
            (
                "Estimated cost",
                price_per_hour(&inner.vm_size, None, region)
                    .map(|cents| format!("{} while running", format_price(cents)))
                    .unwrap_or_default(),
            ),
            (
                "Idle shutdown",
                inner
                    .idle_time_before_shutdown
                    .clone()
                    .map_or("Off".into(), |_| {
                        format!("After {} minutes", form.idle_minutes.get().trim())
                    }),
            ),
            ("Schedules", format!("{}", form.schedules.with(Vec::len))),
            (
                "SSH access",
                inner
                    .ssh_settings
                    .as_ref()
                    .map(|s| s.ssh_public_access.clone())
                    .unwrap_or_default(),
            ),
            (
                "Virtual network",
                inner
                    .subnet
                    .as_ref()
                    .map_or("None".into(), |s| s.id.clone()),
            ),
            (
                "Public IP",
                if inner.enable_node_public_ip == Some(false) {
                    "No".into()
                } else {
                    "Yes".into()
                },
            ),
            ("Assigned to", assigned),
            (
                "Root access",
                if form.root_access.get() {
                    "Enabled".into()
                } else {
                    "Disabled".into()
                },
            ),
            (
                "Tags",
                r.tags
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ]
    };
    view! {
        <Show when=move || !problems.get().is_empty()>
            <div class="message-bar message-bar--error" role="alert">
                <strong>"Fix these before creating:"</strong>
                <ul>{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </div>
        </Show>
        <dl class="props props--review">
            {move || {
                summary()
                    .into_iter()
                    .map(|(k, v)| {
                        view! {
                            <div class="props__row">
                                <dt>{k}</dt>
                                <dd>{if v.is_empty() { "—".to_owned() } else { v }}</dd>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </dl>
        <CodeView title="ARM request" caption=Signal::derive(path) code=json file_name=file("json") />
        <CodeView title="Azure ML CLI v2 YAML" code=yaml file_name=file("yml") />
    }
}
