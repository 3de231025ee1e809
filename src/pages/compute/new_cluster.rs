//! The "+ New" compute cluster wizard, in the studio's two steps: "Virtual machine" (location,
//! tier, type and size), then "Advanced settings" (name, node counts, idle seconds before scale
//! down, SSH). Every rule is azimuth-core's; this file maps fields to the ARM request.

use super::clusters::{read_scale, tier};
use super::network::{IdentityChoice, IdentityFields, NetworkChoice, NetworkFields};
use super::size_picker::{SizePicker, VmChoice, VmKindPicker};
use crate::components::{
    format_price, guard_close, radio_card, Appearance, Button, ComputeNameField, Dialog,
    DiscardPrompt, TextField, WizardSteps,
};
use crate::router::leave_to;
use crate::store::use_store;
use azimuth_core::compute::catalogue::find_vm_size;
use azimuth_core::compute::cluster::AML_COMPUTE;
use azimuth_core::compute::cost::price_per_hour;
use azimuth_core::compute::request::{validate_admin_username, validate_ssh_public_key};
use azimuth_core::compute::*;
use azimuth_core::{ComputeResource, Workspace};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the wizard collects.
#[derive(Clone, Copy)]
struct ClusterForm {
    vm: VmChoice,
    low_priority: RwSignal<bool>,
    name: RwSignal<String>,
    min: RwSignal<String>,
    max: RwSignal<String>,
    idle: RwSignal<String>,
    ssh: RwSignal<bool>,
    admin: RwSignal<String>,
    use_key: RwSignal<bool>,
    key: RwSignal<String>,
    password: RwSignal<String>,
    /// "Enable virtual network" and "No public IP".
    network: NetworkChoice,
    /// "Assign a managed identity".
    identity: IdentityChoice,
    /// Create was pressed: from then on every problem shows.
    tried: RwSignal<bool>,
}

/// A whole number typed into a field.
impl ClusterForm {
    fn new(resource_group: &str) -> Self {
        Self {
            network: NetworkChoice::new(resource_group),
            identity: IdentityChoice::new(),
            vm: VmChoice::new(),
            low_priority: RwSignal::new(false),
            name: RwSignal::new(String::new()),
            min: RwSignal::new("0".into()),
            max: RwSignal::new("1".into()),
            idle: RwSignal::new("120".into()),
            ssh: RwSignal::new(false),
            admin: RwSignal::new("azureuser".into()),
            use_key: RwSignal::new(true),
            key: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            tried: RwSignal::new(false),
        }
    }

    /// The node counts and idle time, or each field's error (reactive).
    fn scale(&self) -> Result<ScaleSettings, [Option<String>; 3]> {
        read_scale(&self.min.get(), &self.max.get(), &self.idle.get())
    }

    /// What is wrong with the administrator's user name (reactive).
    fn admin_error(&self) -> Option<String> {
        self.ssh
            .get()
            .then(|| validate_admin_username(self.admin.get().trim()).err())?
    }

    /// What is wrong with the SSH key or password (reactive).
    fn ssh_error(&self) -> Option<String> {
        if !self.ssh.get() {
            return None;
        }
        if self.use_key.get() {
            let key = self.key.get();
            if key.trim().is_empty() {
                return Some("Paste the SSH public key, or choose Password.".into());
            }
            validate_ssh_public_key(key.trim()).err()
        } else {
            (self.password.get().chars().count() < 12)
                .then(|| "The password must be at least 12 characters.".into())
        }
    }

    /// The quota the minimum of nodes would go beyond, if any (reactive): Azure refuses the
    /// create, so the wizard says so before Create.
    fn quota_error(&self, ws: &Workspace) -> Option<String> {
        let scale = self.scale().ok()?;
        ws.check_quota_for(
            &self.vm.size.get(),
            scale.min_node_count,
            self.low_priority.get(),
        )
        .err()
        .map(|e| e.message().to_owned())
    }

    /// Every problem that blocks Create (reactive).
    fn problems(&self, ws: &Workspace) -> Vec<String> {
        let name = ws
            .check_new_name(&self.name.get())
            .err()
            .map(|e| e.to_string());
        [
            name,
            self.admin_error(),
            self.ssh_error(),
            self.quota_error(ws),
        ]
        .into_iter()
        .chain(self.scale().err().unwrap_or_default())
        .chain(self.network.errors())
        .flatten()
        .collect()
    }

    /// The ARM request the form becomes.
    fn request(&self, ws: &Workspace) -> ComputeResource {
        let credentials = self.ssh.get_untracked().then(|| {
            let use_key = self.use_key.get_untracked();
            UserAccountCredentials {
                admin_user_name: self.admin.get_untracked().trim().to_owned(),
                admin_user_ssh_public_key: use_key
                    .then(|| self.key.get_untracked().trim().to_owned()),
                admin_user_password: (!use_key).then(|| self.password.get_untracked()),
            }
        });
        ComputeResource {
            location: Some(ws.region().name.to_owned()),
            identity: self.identity.identity(),
            properties: Compute {
                compute_type: AML_COMPUTE.into(),
                properties: ComputeProperties {
                    vm_size: self.vm.size.get_untracked(),
                    vm_priority: Some(vm_priority(self.low_priority.get_untracked()).into()),
                    scale_settings: self.scale().ok(),
                    remote_login_port_public_access: Some(
                        if credentials.is_some() {
                            "Enabled"
                        } else {
                            "NotSpecified"
                        }
                        .into(),
                    ),
                    user_account_credentials: credentials,
                    subnet: self.network.subnet_id(&ws.subscription_id),
                    enable_node_public_ip: Some(self.network.public_ip()),
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// ARM's `vmPriority` of the tier chosen.
fn vm_priority(low_priority: bool) -> &'static str {
    if low_priority {
        "LowPriority"
    } else {
        "Dedicated"
    }
}

/// The wizard's two steps, as the studio names them.
const STEPS: [&str; 2] = ["Virtual machine", "Advanced settings"];

crate::lazy_page! {
    /// The wizard, in a chunk of its own: downloaded when "+ New" is first selected.
    pub(crate) new_cluster_wizard in new_cluster => |_| view! { <NewClusterWizard /> }.into_any()
}

/// The wizard dialog; "Create" or "Cancel" returns to the clusters list.
#[component]
pub fn NewClusterWizard() -> impl IntoView {
    let store = use_store();
    let form = ClusterForm::new(&store.workspace.with_untracked(|w| w.resource_group.clone()));
    let advanced = RwSignal::new(false);
    let creating = RwSignal::new(false);
    // What was entered: a name, or any setting changed from the defaults.
    let untouched = untrack(|| store.workspace.with(|w| form.request(w)));
    let unsaved = Signal::derive(move || {
        !form.name.get().is_empty() || store.workspace.with(|w| form.request(w)) != untouched
    });
    let guard = guard_close(
        unsaved,
        Callback::new(move |_| leave_to("/compute/clusters")),
    );
    let problems = Memo::new(move |_| store.workspace.with(|w| form.problems(w)));
    let create = move |_| {
        form.tried.set(true);
        if !problems.get_untracked().is_empty() {
            advanced.set(true);
            return;
        }
        if creating.get_untracked() {
            return;
        }
        let body = store.workspace.with_untracked(|w| form.request(w));
        creating.set(true);
        leptos::task::spawn_local(async move {
            let created = store.create_compute(&form.name.get_untracked(), body).await;
            creating.set(false);
            if created.is_ok() {
                guard.leave.run(());
            }
        });
    };
    // "Next" leaves the page it is on: the focus goes to the next step's first field.
    let next = move || {
        advanced.set(true);
        request_animation_frame(|| {
            if let Some(field) = document().get_element_by_id("compute-name") {
                let _ = field.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        });
    };
    // "Back" goes away with the step it is on: the focus goes to the first step's tab.
    let back = move || {
        advanced.set(false);
        request_animation_frame(|| {
            if let Some(tab) = document().get_element_by_id("wizard-step-0") {
                let _ = tab.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        });
    };
    let role_refusal = move || store.refusal(azimuth_core::workspace::roles::Action::WriteCompute);
    let region = RwSignal::new(
        store
            .workspace
            .with_untracked(|w| w.region().display_name.to_owned()),
    );
    let shown = move |error: Option<String>| error.filter(|_| form.tried.get());
    let scale_error =
        move |i: usize| Signal::derive(move || form.scale().err().and_then(|e| e[i].clone()));
    let ssh_error = Signal::derive(move || shown(form.ssh_error()));
    let admin_error = Signal::derive(move || form.admin_error());
    // What the chosen size, tier and node counts cost, from the minimum to the maximum.
    let estimate = move || {
        let tier = vm_priority(form.low_priority.get());
        let region = store.workspace.with_untracked(|w| w.region());
        let per_node = price_per_hour(&form.vm.size.get(), Some(tier), region)?;
        let scale = form.scale().ok()?;
        let at = |n: u32| {
            let cost = format_price(per_node * u64::from(n));
            format!("{cost} at {n} node{}", if n == 1 { "" } else { "s" })
        };
        let (min, max) = (scale.min_node_count, scale.max_node_count);
        Some(if min == max {
            format!("Estimated cost: {}; Linux, pay as you go.", at(min))
        } else {
            format!(
                "Estimated cost: {} (the minimum), up to {} (the maximum); Linux, pay as you go.",
                at(min),
                at(max)
            )
        })
    };
    let vm_step = move || {
        view! {
            <TextField label="Location" id="cluster-location" value=region readonly=true hint="A compute cluster is created in the workspace's region." />
            <fieldset class="radio-group radio-group--row">
                <legend>"Virtual machine tier"</legend>
                {radio_card("vm-tier", move || !form.low_priority.get(), move || form.low_priority.set(false), "Dedicated", "Nodes stay yours until the cluster scales down")}
                {radio_card("vm-tier", move || form.low_priority.get(), move || form.low_priority.set(true), "Low priority", "About 80 % cheaper; nodes can be preempted")}
            </fieldset>
            <VmKindPicker choice=form.vm what="compute cluster" />
            <SizePicker form=form.vm low_priority=form.low_priority />
        }
    };
    let quota_error = Memo::new(move |_| store.workspace.with(|w| form.quota_error(w)));
    // Step 2 names what step 1 chose, since the size list may be filtered out of sight.
    let chosen = move || {
        let size = form.vm.size.get();
        let size = find_vm_size(&size).map_or(size, |s| format!("{} ({})", s.name, s.summary()));
        let tier = tier(Some(vm_priority(form.low_priority.get())));
        format!("{size} · {tier}")
    };
    let settings_step = move || {
        view! {
            <p class="wizard__chosen">{chosen}</p>
            <ComputeNameField value=form.name workspace=store.workspace require_now=form.tried />
            <TextField label="Minimum number of nodes" id="cluster-min" value=form.min error=scale_error(0) hint="Nodes kept even when idle; 0 lets the cluster scale down to nothing and cost nothing." />
            <TextField label="Maximum number of nodes" id="cluster-max" value=form.max error=scale_error(1) hint="At most 100." />
            <p class="muted" aria-live="polite">{estimate}</p>
            <Show when=move || quota_error.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || quota_error.get().unwrap_or_default()}</div>
            </Show>
            <TextField label="Idle seconds before scale down" id="cluster-idle" value=form.idle error=scale_error(2) hint="How long a node above the minimum stays idle before it is released." />
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || form.ssh.get() on:change=move |ev| form.ssh.set(event_target_checked(&ev)) />
                "Enable SSH access"
            </label>
            <Show when=move || form.ssh.get()>
                <TextField label="Admin username" id="cluster-admin" value=form.admin error=admin_error />
                <fieldset class="radio-group radio-group--row">
                    <legend>"Authentication"</legend>
                    {radio_card("cluster-auth", move || form.use_key.get(), move || form.use_key.set(true), "SSH public key", "The whole line of your .pub file")}
                    {radio_card("cluster-auth", move || !form.use_key.get(), move || form.use_key.set(false), "Password", "At least 12 characters; never shown again")}
                </fieldset>
                <Show
                    when=move || form.use_key.get()
                    fallback=move || view! { <TextField label="Password" id="cluster-password" value=form.password error=ssh_error secret=true /> }
                >
                    <TextField label="SSH public key" id="cluster-key" value=form.key error=ssh_error multiline=true placeholder="ssh-ed25519 AAAA... you@laptop" />
                </Show>
            </Show>
            <NetworkFields choice=form.network what="compute cluster" />
            <IdentityFields choice=form.identity what="compute cluster" />
        }
    };
    view! {
        <Dialog title="Create compute cluster" class="dialog--wizard" on_close=guard.request keep_on_outside_click=true>
            <Show when=move || role_refusal().is_some()>
                <div class="message-bar message-bar--warning" role="status">
                    {move || role_refusal().unwrap_or_default()}
                    " You can look through the settings, but Create stays disabled."
                </div>
            </Show>
            <div class="wizard">
                <WizardSteps
                    titles=&STEPS
                    current=Signal::derive(move || usize::from(advanced.get()))
                    select=Callback::new(move |i: usize| advanced.set(i == 1))
                    has_errors=Callback::new(move |i: usize| i == 1 && form.tried.get() && !problems.with(Vec::is_empty))
                />
                <div class="wizard__panel" role="tabpanel" id="wizard-panel" aria-label=move || STEPS[usize::from(advanced.get())]>
                    <h3 class="wizard__panel-title">{move || STEPS[usize::from(advanced.get())]}</h3>
                    {move || if advanced.get() { settings_step().into_any() } else { vm_step().into_any() }}
                </div>
            </div>
            <div class="dialog__actions wizard__footer">
                <Show
                    when=move || advanced.get()
                    fallback=move || view! { <Button appearance=Appearance::Primary on_click=move |_| next()>"Next"</Button> }
                >
                    <Button
                        appearance=Appearance::Primary
                        blocked=Signal::derive(move || role_refusal().or_else(|| shown(problems.get().first().cloned())))
                        disabled=creating
                        on_click=create
                    >
                        "Create"
                    </Button>
                    <Button on_click=move |_| back()>"Back"</Button>
                </Show>
                <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
            </div>
            <DiscardPrompt guard title="Discard the new compute?" />
        </Dialog>
    }
}
