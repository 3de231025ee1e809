//! Step 3, "Security": SSH access, virtual network, managed identity, assignment to another
//! member, root access.

use super::super::network::{checkbox, IdentityFields, NetworkFields};
use super::form::InstanceForm;
use crate::components::TextField;
use crate::store::use_store;
use leptos::prelude::*;

/// The security step.
#[component]
pub fn SecurityStep(form: InstanceForm) -> impl IntoView {
    let store = use_store();
    let ssh_error =
        Signal::derive(move || form.ssh_error().filter(|_| !form.ssh_key.get().is_empty()));
    let others = move || {
        let me = store.member_name.get();
        store.workspace.with(|w| {
            w.members
                .iter()
                .filter(|m| m.name != me)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="wizard-section">
            {checkbox("Enable SSH access", form.ssh_enabled)}
            <p class="muted">"Sign in to the machine with an SSH client as azureuser. SSH access cannot be changed after creation."</p>
            <Show when=move || form.ssh_enabled.get()>
                <fieldset class="radio-group">
                    <legend>"SSH public key source"</legend>
                    <div class="radio-group--row">
                    <label class="radio-inline">
                        <input type="radio" name="ssh-source" prop:checked=move || !form.ssh_key_later.get() on:change=move |_| form.ssh_key_later.set(false) />
                        "Use existing public key"
                    </label>
                    <label class="radio-inline">
                        <input type="radio" name="ssh-source" prop:checked=move || form.ssh_key_later.get() on:change=move |_| form.ssh_key_later.set(true) />
                        "Set up an SSH key later"
                    </label>
                    </div>
                </fieldset>
                <Show when=move || !form.ssh_key_later.get()>
                    <TextField
                        label="SSH public key"
                        id="ssh-key"
                        value=form.ssh_key
                        error=ssh_error
                        multiline=true
                        placeholder="ssh-ed25519 AAAA... you@laptop"
                        hint="The whole line of your .pub file: ssh-rsa (2048 bits or more), ssh-ed25519 or ecdsa-sha2-nistp256/384/521."
                    />
                </Show>
            </Show>
        </section>
        <section class="wizard-section">
            <NetworkFields choice=form.network what="compute instance" />
        </section>
        <section class="wizard-section">
            <IdentityFields choice=form.identity what="compute instance" />
        </section>
        <section class="wizard-section">
            {checkbox("Assign to another user", form.assign_enabled)}
            <p class="muted">"Create the instance on behalf of a member: only they can open its applications."</p>
            <Show when=move || form.assign_enabled.get()>
                <label class="field">
                    <span class="field__label">"User"</span>
                    <select
                        class="field__input"
                        aria-invalid=move || form.assignee_error().map(|_| "true")
                        on:change=move |ev| form.assignee.set(event_target_value(&ev))
                    >
                        <option value="" selected=move || form.assignee.get().is_empty()>"Choose a member"</option>
                        {move || {
                            others()
                                .into_iter()
                                .map(|m| {
                                    let name = m.name.clone();
                                    let selected = {
                                        let name = name.clone();
                                        move || form.assignee.get() == name
                                    };
                                    view! { <option value=name.clone() selected=selected>{format!("{} ({})", m.name, m.role.display_name())}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <span class="field__error" role="alert">{move || form.assignee_error().unwrap_or_default()}</span>
                </label>
            </Show>
        </section>
        <section class="wizard-section">
            {checkbox("Enable root access", form.root_access)}
            <p class="muted">"Let the user run sudo on the machine."</p>
        </section>
    }
}
