//! Asking before deleting: endpoints (with their deployments), or one deployment; real-time
//! ones, or batch ones (`batch`).

use crate::components::{Appearance, Button, Dialog};
use crate::router::navigate;
use crate::store::use_store;
use leptos::prelude::*;

/// "Delete endpoints?": deletes `names` with their deployments, then runs `close`.
#[component]
pub fn DeleteEndpointsDialog(
    /// The endpoints to delete.
    names: Vec<String>,
    /// Closes the dialog (after deleting, or on Cancel).
    close: Callback<()>,
    /// Where to go once they are deleted (nowhere: stay).
    #[prop(optional)]
    then: Option<&'static str>,
    /// Whether they are batch endpoints.
    #[prop(optional)]
    batch: bool,
) -> impl IntoView {
    let store = use_store();
    let busy = RwSignal::new(false);
    let title = match names.as_slice() {
        [one] => format!("Delete {one}?"),
        many => format!("Delete {} endpoints?", many.len()),
    };
    let names = StoredValue::new(names);
    let confirm = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let mut all = true;
            for name in names.get_value() {
                all &= match batch {
                    true => store.delete_batch_endpoint(&name).await,
                    false => store.delete_endpoint(&name).await,
                }
                .is_ok();
            }
            busy.set(false);
            close.run(());
            if let (true, Some(to)) = (all, then) {
                navigate(to);
            }
        });
    };
    view! {
        <Dialog title=title alert=true on_close=close>
            <p>{move || format!("{} and every deployment on it will be deleted; callers of its {} get errors from then on. This cannot be undone.", names.with_value(|n| n.join(", ")), if batch { "invocation address" } else { "scoring address" })}</p>
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=busy on_click=confirm>"Delete"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}

/// "Delete deployment?": deletes deployment `name` of `endpoint`; the store's refusal (it
/// still gets traffic) is shown in the dialog.
#[component]
pub fn DeleteDeploymentDialog(
    /// The endpoint.
    endpoint: String,
    /// The deployment.
    name: String,
    /// Closes the dialog.
    close: Callback<()>,
    /// Whether it is a batch deployment.
    #[prop(optional)]
    batch: bool,
) -> impl IntoView {
    let store = use_store();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let title = format!("Delete deployment {name}?");
    let (endpoint, name) = (StoredValue::new(endpoint), StoredValue::new(name));
    let confirm = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let (endpoint, name) = (endpoint.get_value(), name.get_value());
            let gone = match batch {
                true => store.delete_batch_deployment(&endpoint, &name).await,
                false => store.delete_deployment(&endpoint, &name).await,
            };
            busy.set(false);
            match gone {
                Ok(()) => close.run(()),
                Err(e) => failure.set(Some(e.message().to_owned())),
            }
        });
    };
    view! {
        <Dialog title=title alert=true on_close=close>
            <p>{move || match batch {
                true => format!("The deployment {} of {} will be deleted; the jobs it ran stay.", name.get_value(), endpoint.get_value()),
                false => format!("The deployment {} of {} and its instances will be deleted; their quota is given back.", name.get_value(), endpoint.get_value()),
            }}</p>
            <Show when=move || failure.with(Option::is_some)>
                <div class="message-bar message-bar--error" role="alert">{move || failure.get().unwrap_or_default()}</div>
            </Show>
            <div class="dialog__actions">
                <Button appearance=Appearance::Primary disabled=busy on_click=confirm>"Delete"</Button>
                <Button on_click=move |_| close.run(())>"Cancel"</Button>
            </div>
        </Dialog>
    }
}
