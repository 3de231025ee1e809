//! The lifecycle buttons shared by the compute lists and details pages: Start, Stop, Restart and
//! Delete (Detach for attached computes) with a confirmation, each enabled only when the engine
//! would allow it.

use crate::components::{Appearance, Button, Dialog, Icon, IconName};
use crate::store::{use_store, Store};
use azimuth_core::Operation;
use leptos::prelude::*;

/// Why `op` cannot run on every one of `names` (computes of `kind`) now, or `None` when it can.
pub fn blocked(store: &Store, names: &[String], kind: &str, op: Operation) -> Option<String> {
    if names.is_empty() {
        return Some(format!("Select one or more {kind}s first."));
    }
    if let Some(reason) = store.refusal(op.action()) {
        return Some(reason);
    }
    store.workspace.with(|w| {
        names.iter().find_map(|name| {
            w.check_operation(name, op)
                .err()
                .map(|e| e.message().to_owned())
        })
    })
}

/// Start, Stop, Restart and Delete for the computes in `selection`.
#[component]
pub fn LifecycleButtons(
    /// The computes the buttons act on.
    #[prop(into)]
    selection: Signal<Vec<String>>,
    /// Runs after a delete was confirmed (e.g. to leave a details page).
    #[prop(optional)]
    on_deleted: Option<Callback<()>>,
    /// The computes are clusters: only Delete applies.
    #[prop(optional)]
    cluster: bool,
    /// The computes are attached: only Detach applies.
    #[prop(optional)]
    attached: bool,
) -> impl IntoView {
    let kind = match (cluster, attached) {
        (_, true) => "compute",
        (true, _) => "compute cluster",
        _ => "compute instance",
    };
    let delete = if attached { "Detach" } else { "Delete" };
    // "Delete compute instance?", or "Delete 2 compute instances?".
    let confirm_title = move || match selection.with_untracked(Vec::len) {
        1 => format!("{delete} {kind}?"),
        n => format!("{delete} {n} {kind}s?"),
    };
    let store = use_store();
    let confirming = RwSignal::new(false);
    let button = move |op: Operation, icon: IconName| {
        let reason = Memo::new(move |_| blocked(&store, &selection.get(), kind, op));
        view! {
            <Button
                appearance=Appearance::Subtle
                blocked=reason
                on_click=move |_| {
                    if op == Operation::Delete {
                        confirming.set(true);
                    } else {
                        let names = selection.get_untracked();
                        leptos::task::spawn_local(async move {
                            store.operate(&names, op).await;
                        });
                    }
                }
            >
                <Icon name=icon />
                {if op == Operation::Delete { delete } else { op.as_str() }}
            </Button>
        }
    };
    let confirm = move |_| {
        let names = selection.get_untracked();
        confirming.set(false);
        leptos::task::spawn_local(async move {
            let deleted = store.operate(&names, Operation::Delete).await;
            if let Some(cb) = on_deleted.filter(|_| deleted) {
                cb.run(());
            }
        });
    };
    view! {
        {(!cluster && !attached).then(|| view! {
            {button(Operation::Start, IconName::Play)}
            {button(Operation::Stop, IconName::Stop)}
            {button(Operation::Restart, IconName::Restart)}
        })}
        {button(Operation::Delete, IconName::Delete)}
        <Show when=move || confirming.get()>
            <Dialog title=confirm_title() alert=true on_close=Callback::new(move |_| confirming.set(false))>
                <p>
                    {move || {
                        let names = selection.get();
                        if attached {
                            format!("{} will be detached from the workspace. The resource itself is left as it is.", names.join(", "))
                        } else if cluster {
                            format!(
                                "{} will be deleted and all {} nodes released. This cannot be undone.",
                                names.join(", "),
                                if names.len() == 1 { "its" } else { "their" }
                            )
                        } else {
                            format!(
                                "{} will be deleted with everything on {} disk. This cannot be undone.",
                                names.join(", "),
                                if names.len() == 1 { "its" } else { "their" }
                            )
                        }
                    }}
                </p>
                <div class="dialog__actions">
                    <Button appearance=Appearance::Primary on_click=confirm>{delete}</Button>
                    <Button on_click=move |_| confirming.set(false)>"Cancel"</Button>
                </div>
            </Dialog>
        </Show>
    }
}
