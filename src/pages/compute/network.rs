//! What both wizards ask about network and identity: "Enable virtual network", "No public IP"
//! and "Assign a managed identity": the choices, their checks, what they become in the ARM
//! request, and their fields.

use crate::components::TextField;
use azimuth_core::compute::request::{subnet_id, validate_network_name};
use azimuth_core::compute::{ManagedIdentity, ResourceId, UserAssignedIdentity};
use leptos::prelude::*;

/// The network settings a person picks.
#[derive(Clone, Copy)]
pub struct NetworkChoice {
    /// "Enable virtual network".
    pub enabled: RwSignal<bool>,
    /// The virtual network's resource group.
    pub group: RwSignal<String>,
    /// "Virtual network".
    pub vnet: RwSignal<String>,
    /// "Subnet".
    pub subnet: RwSignal<String>,
    /// "No public IP".
    pub no_public_ip: RwSignal<bool>,
}

impl NetworkChoice {
    /// No virtual network; if one is enabled, it starts in `resource_group` with subnet `default`.
    pub fn new(resource_group: &str) -> Self {
        Self {
            enabled: RwSignal::new(false),
            group: RwSignal::new(resource_group.to_owned()),
            vnet: RwSignal::new(String::new()),
            subnet: RwSignal::new("default".into()),
            no_public_ip: RwSignal::new(false),
        }
    }

    /// The errors of the resource group, network and subnet fields (reactive).
    pub fn errors(&self) -> [Option<String>; 3] {
        if !self.enabled.get() {
            return [None, None, None];
        }
        [
            validate_network_name("Resource group", self.group.get().trim()).err(),
            validate_network_name("Virtual network", self.vnet.get().trim()).err(),
            validate_network_name("Subnet", self.subnet.get().trim()).err(),
        ]
    }

    /// The subnet the compute goes in, if any.
    pub fn subnet_id(&self, subscription: &str) -> Option<ResourceId> {
        self.enabled.get().then(|| ResourceId {
            id: subnet_id(
                subscription,
                self.group.get().trim(),
                self.vnet.get().trim(),
                self.subnet.get().trim(),
            ),
        })
    }

    /// `enableNodePublicIp`: false only with a virtual network and "No public IP".
    pub fn public_ip(&self) -> bool {
        !(self.enabled.get() && self.no_public_ip.get())
    }
}

/// A checkbox bound to a flag.
pub fn checkbox(label: &'static str, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="checkbox">
            <input type="checkbox" prop:checked=move || value.get() on:change=move |ev| value.set(event_target_checked(&ev)) />
            {label}
        </label>
    }
}

/// The virtual network fields; `what` names the compute ("compute instance").
#[component]
pub fn NetworkFields(choice: NetworkChoice, what: &'static str) -> impl IntoView {
    let error = move |i: usize| Signal::derive(move || choice.errors()[i].clone());
    view! {
        {checkbox("Enable virtual network", choice.enabled)}
        <p class="muted">{format!("Put the {what} in one of your virtual networks, typically to reach private resources.")}</p>
        <Show when=move || choice.enabled.get()>
            <TextField label="Resource group" id="vnet-group" value=choice.group error=error(0) />
            <TextField label="Virtual network" id="vnet-name" value=choice.vnet error=error(1) />
            <TextField label="Subnet" id="vnet-subnet" value=choice.subnet error=error(2) />
            {checkbox("No public IP", choice.no_public_ip)}
            <p class="muted">{format!("Without a public IP the {what} is reachable only from inside the virtual network.")}</p>
        </Show>
    }
}

/// "Assign a managed identity": none, system-assigned, or one user-assigned identity.
#[derive(Clone, Copy)]
pub struct IdentityChoice {
    /// "Assign a managed identity".
    pub enabled: RwSignal<bool>,
    /// User-assigned rather than system-assigned.
    pub user_assigned: RwSignal<bool>,
    /// The user-assigned identity's resource id.
    pub identity_id: RwSignal<String>,
}

impl IdentityChoice {
    /// No identity.
    pub fn new() -> Self {
        Self {
            enabled: RwSignal::new(false),
            user_assigned: RwSignal::new(false),
            identity_id: RwSignal::new(String::new()),
        }
    }

    /// The request's `identity`, if one is assigned.
    pub fn identity(&self) -> Option<ManagedIdentity> {
        if !self.enabled.get() {
            return None;
        }
        let user = self.user_assigned.get();
        let ids = user
            .then(|| {
                (
                    self.identity_id.get().trim().to_owned(),
                    UserAssignedIdentity::default(),
                )
            })
            .into_iter()
            .collect();
        Some(ManagedIdentity {
            identity_type: if user {
                "UserAssigned"
            } else {
                "SystemAssigned"
            }
            .into(),
            user_assigned_identities: ids,
            ..Default::default()
        })
    }
}

/// The managed identity fields; `what` names the compute.
#[component]
pub fn IdentityFields(choice: IdentityChoice, what: &'static str) -> impl IntoView {
    let pick = move |user: bool| {
        view! {
            <label class="radio-inline">
                <input type="radio" name="identity-type" prop:checked=move || choice.user_assigned.get() == user on:change=move |_| choice.user_assigned.set(user) />
                {if user { "User-assigned" } else { "System-assigned" }}
            </label>
        }
    };
    view! {
        {checkbox("Assign a managed identity", choice.enabled)}
        <p class="muted">{format!("Let jobs on the {what} reach storage and other resources as an identity, without keys.")}</p>
        <Show when=move || choice.enabled.get()>
            <fieldset class="radio-group radio-group--row">
                <legend>"Identity type"</legend>
                {pick(false)}
                {pick(true)}
            </fieldset>
            <Show when=move || choice.user_assigned.get()>
                <TextField
                    label="User-assigned identity"
                    id="identity-id"
                    value=choice.identity_id
                    placeholder="/subscriptions/…/resourceGroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…"
                />
            </Show>
        </Show>
    }
}
