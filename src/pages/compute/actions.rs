//! The lifecycle buttons shared by the instances list and the details page: Start, Stop,
//! Restart and Delete (with a confirmation), each enabled only when the engine would allow it.

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
) -> impl IntoView {
    let kind = if cluster {
        "compute cluster"
    } else {
        "compute instance"
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
                {op.as_str()}
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
        {(!cluster).then(|| view! {
            {button(Operation::Start, IconName::Play)}
            {button(Operation::Stop, IconName::Stop)}
            {button(Operation::Restart, IconName::Restart)}
        })}
        {button(Operation::Delete, IconName::Delete)}
        <Show when=move || confirming.get()>
            <Dialog title=format!("Delete {kind}?") alert=true on_close=Callback::new(move |_| confirming.set(false))>
                <p>
                    {move || {
                        let names = selection.get();
                        if cluster {
                            format!("{} will be deleted and all its nodes released. This cannot be undone.", names.join(", "))
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
                    <Button appearance=Appearance::Primary on_click=confirm>"Delete"</Button>
                    <Button on_click=move |_| confirming.set(false)>"Cancel"</Button>
                </div>
            </Dialog>
        </Show>
    }
}
