//! The attach dialog: a Kubernetes cluster (resource id, namespace, an instance type with its
//! requests and limits), or a virtual machine, Azure Databricks, HDInsight or Synapse Spark pool,
//! each with its own fields. The engine checks the request as Azure would before it is sent;
//! secrets are typed out of sight and never shown back.

use crate::components::{
    guard_close, radio_card, Appearance, Button, ComputeNameField, Dialog, DiscardPrompt, TextField,
};
use crate::router::leave_to;
use crate::store::use_store;
use azimuth_core::compute::attach::{field, AttachedKind};
use azimuth_core::compute::*;
use azimuth_core::workspace::roles::Action;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Everything the dialog can ask for; each kind reads its own fields.
#[derive(Clone, Copy)]
struct AttachForm {
    kind: RwSignal<AttachedKind>,
    name: RwSignal<String>,
    resource_id: RwSignal<String>,
    namespace: RwSignal<String>,
    custom_type: RwSignal<bool>,
    type_name: RwSignal<String>,
    cpu_request: RwSignal<String>,
    cpu_limit: RwSignal<String>,
    memory_request: RwSignal<String>,
    memory_limit: RwSignal<String>,
    gpus: RwSignal<String>,
    address: RwSignal<String>,
    port: RwSignal<String>,
    username: RwSignal<String>,
    use_key: RwSignal<bool>,
    secret: RwSignal<String>,
    workspace_url: RwSignal<String>,
}

/// The secret fields' targets: whichever secret field shows, the error goes under it.
const SECRETS: &[&str] = &[field::PASSWORD, field::PRIVATE_KEY, field::ACCESS_TOKEN];

/// How the targets of an instance type's quantities end, field by field: CPU request and
/// limit, memory request and limit, GPUs requested and at most.
const QUANTITIES: [&str; 6] = [
    ".requests.cpu",
    ".limits.cpu",
    ".requests.memory",
    ".limits.memory",
    ".requests.nvidia.com/gpu",
    ".limits.nvidia.com/gpu",
];

/// Every target some field of the form shows its error under.
const PLACED: [&str; 11] = [
    field::RESOURCE_ID,
    field::NAMESPACE,
    field::INSTANCE_TYPES,
    field::DEFAULT_INSTANCE_TYPE,
    field::ADDRESS,
    field::SSH_PORT,
    field::USERNAME,
    field::PASSWORD,
    field::PRIVATE_KEY,
    field::WORKSPACE_URL,
    field::ACCESS_TOKEN,
];

fn text(value: &str) -> RwSignal<String> {
    RwSignal::new(value.to_owned())
}

impl AttachForm {
    fn new(kind: AttachedKind) -> Self {
        Self {
            kind: RwSignal::new(kind),
            name: text(""),
            resource_id: text(""),
            namespace: text("default"),
            custom_type: RwSignal::new(false),
            type_name: text("cpu-small"),
            cpu_request: text("500m"),
            cpu_limit: text("1"),
            memory_request: text("2Gi"),
            memory_limit: text("4Gi"),
            gpus: text("0"),
            address: text(""),
            port: text("22"),
            username: text("azureuser"),
            use_key: RwSignal::new(false),
            secret: text(""),
            workspace_url: text(""),
        }
    }

    /// Switches between a password and a private key, forgetting what was typed for the other.
    fn use_auth_key(&self, key: bool) {
        if self.use_key.get_untracked() != key {
            self.secret.set(String::new());
        }
        self.use_key.set(key);
    }

    /// The one instance type the form defines, if it defines one.
    fn instance_types(&self) -> Option<BTreeMap<String, InstanceType>> {
        if !self.custom_type.get() {
            return None;
        }
        let field = |s: RwSignal<String>| s.get().trim().to_owned();
        let mut requests = BTreeMap::from([
            ("cpu".to_owned(), field(self.cpu_request)),
            ("memory".to_owned(), field(self.memory_request)),
        ]);
        let mut limits = BTreeMap::from([
            ("cpu".to_owned(), field(self.cpu_limit)),
            ("memory".to_owned(), field(self.memory_limit)),
        ]);
        let gpus = field(self.gpus);
        if !gpus.is_empty() && gpus != "0" {
            requests.insert("nvidia.com/gpu".into(), gpus.clone());
            limits.insert("nvidia.com/gpu".into(), gpus);
        }
        let resources = InstanceTypeResources { requests, limits };
        let it = InstanceType {
            node_selector: None,
            resources,
        };
        Some(BTreeMap::from([(field(self.type_name), it)]))
    }

    /// The ARM request the form becomes (reading every field, so a derived check follows them).
    fn request(&self) -> ComputeResource {
        let kind = self.kind.get();
        let field = |s: RwSignal<String>| s.get().trim().to_owned();
        let mut inner = ComputeProperties::default();
        match kind {
            AttachedKind::Kubernetes => {
                inner.namespace = Some(field(self.namespace));
                inner.instance_types = self.instance_types();
                inner.default_instance_type = inner
                    .instance_types
                    .as_ref()
                    .and_then(|t| t.keys().next().cloned());
            }
            AttachedKind::VirtualMachine | AttachedKind::HdInsight => {
                inner.address = Some(field(self.address));
                // A port that is not a whole number is sent as 0, which the engine refuses.
                inner.ssh_port = Some(field(self.port).parse().unwrap_or(0));
                let secret = self.secret.get();
                let use_key = self.use_key.get() && kind == AttachedKind::VirtualMachine;
                inner.administrator_account = Some(AdministratorAccount {
                    username: field(self.username),
                    password: (!use_key).then(|| secret.clone()),
                    private_key_data: use_key.then_some(secret),
                    public_key_data: None,
                });
            }
            AttachedKind::Databricks => {
                inner.workspace_url = Some(field(self.workspace_url));
                inner.databricks_access_token = Some(field(self.secret));
            }
            AttachedKind::SynapseSpark => {}
        }
        ComputeResource {
            properties: Compute {
                compute_type: kind.compute_type().into(),
                resource_id: Some(field(self.resource_id)),
                properties: inner,
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// The dialog; "Attach" or "Cancel" returns to `close_to`.
#[component]
pub fn AttachDialog(
    /// Attach a Kubernetes cluster; otherwise one of the other kinds.
    kubernetes: bool,
    /// The list to go back to.
    close_to: &'static str,
) -> impl IntoView {
    let store = use_store();
    let form = AttachForm::new(if kubernetes {
        AttachedKind::Kubernetes
    } else {
        AttachedKind::VirtualMachine
    });
    let tried = RwSignal::new(false);
    let sending = RwSignal::new(false);
    // What was entered: a name, or any field changed from the defaults.
    let untouched = untrack(|| form.request());
    let unsaved =
        Signal::derive(move || !form.name.get().is_empty() || form.request() != untouched);
    let guard = guard_close(unsaved, Callback::new(move |_| leave_to(close_to)));
    // What stops the attach (name included), and what the fields say, all at once: each error
    // under the field its ARM target names, the rest in a bar; the name field shows its own.
    let problem = Signal::derive(move || {
        let name = form.name.get();
        let body = form.request();
        store.workspace.with(|w| {
            w.check_attach_request(name.trim(), &body)
                .err()
                .map(|e| e.message().to_owned())
        })
    });
    let field_problems = Memo::new(move |_| {
        if !tried.get() {
            return Vec::new();
        }
        let body = form.request();
        store.workspace.with(|w| w.attach_field_errors(&body))
    });
    // The messages of the problems whose target passes `at`, as one text (`None` if none).
    let messages = move |at: &dyn Fn(Option<&str>) -> bool| {
        field_problems.with(|all| {
            let found: Vec<&str> = all
                .iter()
                .filter(|e| at(e.target()))
                .map(|e| e.message())
                .collect();
            (!found.is_empty()).then(|| found.join(" "))
        })
    };
    let error_at = move |targets: &'static [&'static str]| {
        Signal::derive(move || messages(&|t| t.is_some_and(|t| targets.contains(&t))))
    };
    // An instance type's quantity errors go under the quantity's own field.
    let quantity_error = move |suffixes: &'static [&'static str]| {
        Signal::derive(move || {
            messages(&|t| {
                t.is_some_and(|t| {
                    t.starts_with(field::INSTANCE_TYPES) && suffixes.iter().any(|s| t.ends_with(s))
                })
            })
        })
    };
    let unplaced = Signal::derive(move || {
        messages(&|t| {
            !t.is_some_and(|t| PLACED.contains(&t) || QUANTITIES.iter().any(|q| t.ends_with(q)))
        })
    });
    let attach = move |_| {
        tried.set(true);
        if problem.get_untracked().is_some() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        let name = form.name.get_untracked().trim().to_owned();
        leptos::task::spawn_local(async move {
            let attached = store.create_compute(&name, form.request()).await;
            sending.set(false);
            if attached.is_ok() {
                guard.leave.run(());
            }
        });
    };
    let kind = move || form.kind.get();
    let is = move |k: AttachedKind| move || form.kind.get() == k;
    let kind_choice = (!kubernetes).then(|| {
        let choice = move |k: AttachedKind, note: &'static str| {
            radio_card(
                "attach-kind",
                is(k),
                move || {
                    // A secret typed for one kind is never sent as another's.
                    if form.kind.get_untracked() != k {
                        form.secret.set(String::new());
                    }
                    form.kind.set(k)
                },
                k.label(),
                note,
            )
        };
        view! {
            <fieldset class="radio-group radio-group--row">
                <legend>"Compute type"</legend>
                {choice(AttachedKind::VirtualMachine, "A Linux VM reached over SSH")}
                {choice(AttachedKind::Databricks, "A Databricks workspace")}
                {choice(AttachedKind::HdInsight, "An HDInsight cluster over SSH")}
                {choice(AttachedKind::SynapseSpark, "A Spark pool of a Synapse workspace")}
            </fieldset>
        }
    });
    let title = if kubernetes {
        "Attach Kubernetes cluster"
    } else {
        "Attach compute"
    };
    view! {
        <Dialog title=title class="dialog--wizard dialog--form" on_close=guard.request keep_on_outside_click=true>
            // The fields scroll; the errors that belong to no field and the buttons stay in view.
            <div class="dialog__body">
            {kind_choice}
            <ComputeNameField value=form.name workspace=store.workspace require_now=tried />
            {move || view! {
                <TextField
                    label="Resource ID"
                    id="attach-resource-id"
                    value=form.resource_id
                    placeholder=kind().example_id()
                    hint="The ARM id of the resource, from its Properties page in the Azure portal."
                    error=error_at(&[field::RESOURCE_ID])
                    required=true
                />
            }}
            <Show when=is(AttachedKind::Kubernetes)>
                <TextField label="Kubernetes namespace" id="attach-namespace" value=form.namespace error=error_at(&[field::NAMESPACE]) hint="Where jobs run; lowercase letters, digits and hyphens." />
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || form.custom_type.get() on:change=move |ev| form.custom_type.set(event_target_checked(&ev)) />
                    "Define an instance type (otherwise Azure's defaultinstancetype: 100m CPU and 2Gi memory requested, 2 CPUs and 2Gi at most)"
                </label>
                <Show when=move || form.custom_type.get()>
                    <TextField label="Instance type name" id="attach-type" value=form.type_name error=error_at(&[field::INSTANCE_TYPES, field::DEFAULT_INSTANCE_TYPE]) hint="It becomes the default instance type; its CPU, memory and GPU requests and limits follow." />
                    <div class="field-row">
                        <TextField label="CPU request" id="attach-cpu-request" value=form.cpu_request error=quantity_error(&[QUANTITIES[0]]) hint="e.g. 500m or 1" />
                        <TextField label="CPU limit" id="attach-cpu-limit" value=form.cpu_limit error=quantity_error(&[QUANTITIES[1]]) />
                        <TextField label="Memory request" id="attach-memory-request" value=form.memory_request error=quantity_error(&[QUANTITIES[2]]) hint="e.g. 2Gi" />
                        <TextField label="Memory limit" id="attach-memory-limit" value=form.memory_limit error=quantity_error(&[QUANTITIES[3]]) />
                        <TextField label="GPUs" id="attach-gpus" value=form.gpus error=quantity_error(&[QUANTITIES[4], QUANTITIES[5]]) hint="nvidia.com/gpu" />
                    </div>
                </Show>
            </Show>
            <Show when=move || matches!(kind(), AttachedKind::VirtualMachine | AttachedKind::HdInsight)>
                <TextField label="Address" id="attach-address" value=form.address error=error_at(&[field::ADDRESS]) placeholder="20.51.10.4 or my-host.eastus.cloudapp.azure.com" hint="Left empty, the resource's own DNS name is used." />
                <TextField label="SSH port" id="attach-port" value=form.port error=error_at(&[field::SSH_PORT]) />
                <TextField label="Username" id="attach-username" value=form.username error=error_at(&[field::USERNAME]) />
                <Show when=is(AttachedKind::VirtualMachine)>
                    <fieldset class="radio-group radio-group--row">
                        <legend>"Authentication"</legend>
                        {radio_card("attach-auth", move || !form.use_key.get(), move || form.use_auth_key(false), "Password", "Never shown again")}
                        {radio_card("attach-auth", move || form.use_key.get(), move || form.use_auth_key(true), "SSH private key", "Never shown again")}
                    </fieldset>
                </Show>
                <Show
                    when=move || form.use_key.get() && kind() == AttachedKind::VirtualMachine
                    fallback=move || view! { <TextField label="Password" id="attach-password" value=form.secret error=error_at(SECRETS) secret=true /> }
                >
                    <TextField label="Private key" id="attach-key" value=form.secret error=error_at(SECRETS) multiline=true placeholder="-----BEGIN OPENSSH PRIVATE KEY-----" />
                </Show>
            </Show>
            <Show when=is(AttachedKind::Databricks)>
                <TextField label="Workspace URL" id="attach-url" value=form.workspace_url error=error_at(&[field::WORKSPACE_URL]) placeholder="adb-1234567890123456.7.azuredatabricks.net" required=true />
                <TextField label="Access token" id="attach-token" value=form.secret error=error_at(SECRETS) secret=true hint="A Databricks personal access token (dapi…); it is never shown again." />
            </Show>
            </div>
            <Show when=move || unplaced.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || unplaced.get().unwrap_or_default()}</div>
            </Show>
            <div class="dialog__actions wizard__footer">
                <Button
                    appearance=Appearance::Primary
                    blocked=Signal::derive(move || store.refusal(Action::WriteCompute))
                    disabled=sending
                    on_click=attach
                >
                    "Attach"
                </Button>
                <Button on_click=move |_| guard.request.run(())>"Cancel"</Button>
            </div>
            <DiscardPrompt guard title="Discard the new compute?" />
        </Dialog>
    }
}
