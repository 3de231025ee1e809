//! Where kernels join the notebook editor: the toolbar's kernel bar (the compute instance or
//! this browser, the kernel's name and state, Run all, Interrupt, Restart) and running code
//! cells one after another, their outputs shown as they come.

use super::doc::NotebookDoc;
use crate::components::{Appearance, Button};
use crate::store::kernels::{Kernel, BROWSER_KERNEL, BROWSER_KERNEL_LIMITS};
use crate::store::{use_store, Store};
use azimuth_core::notebooks::Output;
use azimuth_core::Operation;
use leptos::prelude::*;

/// The value of the picker's in-browser choice (instance names cannot start with `:`).
const IN_BROWSER: &str = ":browser";

/// A notebook's kernel: where it runs, the kernel once attached, and the cells waiting to run.
#[derive(Clone, Copy)]
pub struct KernelState {
    store: Store,
    /// The notebook's path (a kernel on an instance is started for it).
    pub path: StoredValue<String>,
    /// The instance chosen (or [`IN_BROWSER`]); empty until chosen.
    pub target: RwSignal<String>,
    kernel: StoredValue<Option<(String, Kernel)>, LocalStorage>,
    /// What the bar says: idle, busy, connecting…, or why it cannot run.
    pub status: RwSignal<String>,
    /// The attached kernel's name.
    pub name: RwSignal<String>,
    queue: RwSignal<Vec<String>>,
    draining: RwSignal<bool>,
}

impl Default for KernelState {
    fn default() -> Self {
        Self::new()
    }
}

impl KernelState {
    /// No kernel yet; call inside the editor (it keeps the store).
    pub fn new() -> Self {
        let kernel: StoredValue<Option<(String, Kernel)>, LocalStorage> =
            StoredValue::new_local(None);
        // A kernel in this browser ends with the notebook; one on an instance keeps running,
        // as Jupyter's sessions do, and the notebook finds it again when reopened.
        on_cleanup(move || {
            if let Some(Some((_, k))) = kernel.try_get_value() {
                k.close_in_browser();
            }
        });
        KernelState {
            store: use_store(),
            path: StoredValue::new(String::new()),
            target: RwSignal::new(String::new()),
            kernel,
            status: RwSignal::new("Not connected".into()),
            name: RwSignal::new(String::new()),
            queue: RwSignal::new(Vec::new()),
            draining: RwSignal::new(false),
        }
    }

    /// The kernel of the chosen target, attached (started) when it is not yet.
    async fn attach(&self) -> Result<Kernel, String> {
        let target = self.target.get_untracked();
        if let Some((on, kernel)) = self.kernel.get_value() {
            if on == target {
                return Ok(kernel);
            }
            kernel.shutdown().await;
        }
        if target.is_empty() {
            return Err("Choose a compute instance (or this browser) to run cells.".into());
        }
        self.status.set(if target == IN_BROWSER {
            "Starting Python in this browser…".into()
        } else {
            format!("Connecting to {target}…")
        });
        let kernel = if target == IN_BROWSER {
            self.store.browser_kernel().await
        } else {
            let path = self.path.get_value();
            self.store.instance_kernel(&target, &path).await
        }
        .map_err(|e| e.message().to_owned())?;
        self.name.set(kernel.name.clone());
        self.kernel.set_value(Some((target, kernel.clone())));
        Ok(kernel)
    }
}

/// One output from the kernel, as the notebook keeps it.
fn output_of(value: serde_json::Value) -> Option<Output> {
    azimuth_core::arm::json_de::from_value(value).ok()
}

/// Runs the queued cells one after another; an error stops the rest, as in Jupyter.
async fn drain(doc: NotebookDoc, state: KernelState) {
    state.draining.set(true);
    loop {
        let next = state
            .queue
            .try_update(|q| (!q.is_empty()).then(|| q.remove(0)))
            .flatten();
        let Some(id) = next else { break };
        let Some(cell) = doc.cell(&id) else { continue };
        let kernel = match state.attach().await {
            Ok(kernel) => kernel,
            Err(why) => {
                state.status.set(why);
                state.queue.set(Vec::new());
                break;
            }
        };
        state.status.set("Busy".into());
        doc.set_running(&id, true);
        doc.set_outputs(&id, Vec::new());
        doc.set_execution_count(&id, None);
        let code = cell.source.get_untracked();
        let target = id.clone();
        let result = kernel
            .execute(&code, move |value| {
                if value["output_type"] == "clear_output" {
                    doc.set_outputs(&target, Vec::new());
                } else if let Some(output) = output_of(value) {
                    doc.append_output(&target, output);
                }
            })
            .await;
        doc.set_running(&id, false);
        doc.changed();
        match result {
            Ok(reply) => {
                doc.set_execution_count(&id, reply.execution_count.map(|n| n as u32));
                state.status.set("Idle".into());
                if reply.status != "ok" {
                    let dropped = state.queue.get_untracked().len();
                    state.queue.set(Vec::new());
                    if dropped > 0 {
                        state.status.set(not_run(dropped));
                    }
                }
            }
            Err(e) => {
                state.status.set(e.message().to_owned());
                state.queue.set(Vec::new());
                if e.code() == "KernelDead" || e.code() == "NotFound" {
                    state.kernel.set_value(None);
                }
            }
        }
    }
    state.draining.set(false);
}

/// The kernel bar's word for cells dropped from the queue because the one before them failed
/// (Jupyter drops them too, but says nothing: a cell run while the failing one was still busy
/// would seem to be ignored).
fn not_run(dropped: usize) -> String {
    if dropped == 1 {
        "Idle · 1 queued cell was not run: the cell before it failed".into()
    } else {
        format!("Idle · {dropped} queued cells were not run: the cell before them failed")
    }
}

/// Puts cells in the queue and starts running it when it is not running.
fn enqueue(doc: NotebookDoc, ids: Vec<String>) {
    let state = doc.kernel;
    state.queue.update(|q| q.extend(ids));
    if !state.draining.get_untracked() {
        leptos::task::spawn_local(drain(doc, state));
    }
}

/// Runs the code cell `cell_id` of `doc` (after those already waiting).
pub fn run_cell(doc: NotebookDoc, cell_id: &str) {
    enqueue(doc, vec![cell_id.to_owned()]);
}

/// The kernel bar's content, shown in the notebook's toolbar.
pub fn kernel_bar(doc: NotebookDoc) -> impl IntoView {
    let state = doc.kernel;
    let store = state.store;
    let runtime = LocalResource::new(move || async move { store.kernel_runtime().await });
    let me = Memo::new(move |_| store.me().object_id);
    let instances = Memo::new(move |_| {
        let me = me.get();
        store.workspace.with(|w| {
            w.instances()
                .filter(|c| {
                    let p = &c.resource.properties.properties;
                    p.personal_compute_instance_settings
                        .as_ref()
                        .is_some_and(|s| s.assigned_user.object_id == me)
                })
                .map(|c| {
                    let state = c
                        .resource
                        .properties
                        .properties
                        .state
                        .clone()
                        .unwrap_or_default();
                    (c.resource.name.clone(), state)
                })
                .collect::<Vec<_>>()
        })
    });
    // The first running instance of the person's, else this browser, once the runtime is known.
    Effect::new(move |_| {
        let Some(runtime) = runtime.get() else { return };
        if !state.target.get_untracked().is_empty() {
            return;
        }
        let running = instances.with(|all| {
            all.iter()
                .find(|(_, s)| s == "Running")
                .map(|(n, _)| n.clone())
        });
        let pick = match (runtime.kernel.is_some(), running) {
            (true, Some(name)) => name,
            _ => IN_BROWSER.to_owned(),
        };
        state.target.set(pick);
    });
    let chosen_state = move || {
        let target = state.target.get();
        instances.with(|all| {
            all.iter()
                .find(|(n, _)| *n == target)
                .map(|(_, s)| s.clone())
        })
    };
    let start_instance = move |_| {
        let name = state.target.get_untracked();
        leptos::task::spawn_local(async move {
            store.operate(&[name], Operation::Start).await;
        });
    };
    let interrupt = move |_| {
        state.queue.set(Vec::new());
        if let Some((_, kernel)) = state.kernel.get_value() {
            leptos::task::spawn_local(async move {
                if let Err(e) = kernel.interrupt().await {
                    state.status.set(e.message().to_owned());
                }
            });
        }
    };
    let restart = move |_| {
        state.queue.set(Vec::new());
        if let Some((_, kernel)) = state.kernel.get_value() {
            state.status.set("Restarting…".into());
            leptos::task::spawn_local(async move {
                match kernel.restart().await {
                    Ok(()) => state.status.set("Idle".into()),
                    Err(e) => state.status.set(e.message().to_owned()),
                }
            });
        }
    };
    let run_all = move |_| {
        let ids = doc.code_cells().into_iter().map(|(id, _)| id).collect();
        enqueue(doc, ids);
    };
    let server_reason = move || runtime.get().and_then(|r| r.reason);
    let server_kernels = move || runtime.get().is_some_and(|r| r.kernel.is_some());
    view! {
        <label class="notebook__kernel-field">
            <span>"Compute instance"</span>
            <select
                aria-label="Compute instance"
                prop:value=move || state.target.get()
                on:change=move |ev| state.target.set(event_target_value(&ev))
            >
                <option value="" disabled=true>"Choose where to run"</option>
                {move || instances.get().into_iter().map(|(name, s)| {
                    let label = format!("{name} ({s})");
                    view! { <option value=name.clone() disabled=move || !server_kernels()>{label}</option> }
                }).collect_view()}
                <option value=IN_BROWSER>{BROWSER_KERNEL}</option>
            </select>
        </label>
        {move || chosen_state().filter(|s| s == "Stopped").map(|_| view! {
            <Button appearance=Appearance::Secondary on_click=start_instance>"Start compute"</Button>
        })}
        <span class="notebook__kernel-name" role="status" aria-label="Kernel">
            {move || {
                let name = state.name.get();
                let name = if name.is_empty() {
                    if state.target.get() == IN_BROWSER { BROWSER_KERNEL.to_owned() } else { runtime.get().and_then(|r| r.kernel).unwrap_or_default() }
                } else { name };
                format!("{name} · {}", state.status.get())
            }}
        </span>
        <Button appearance=Appearance::Secondary on_click=run_all>"Run all"</Button>
        <Button appearance=Appearance::Subtle on_click=interrupt>"Interrupt kernel"</Button>
        <Button appearance=Appearance::Subtle on_click=restart>"Restart kernel"</Button>
        {move || (state.target.get() == IN_BROWSER).then(|| view! {
            <p class="notebook__kernel-note">{BROWSER_KERNEL_LIMITS}</p>
        })}
        {move || (!server_kernels() && state.target.get() != IN_BROWSER).then(|| server_reason().map(|r| view! {
            <p class="notebook__kernel-note">{r}</p>
        })).flatten()}
    }
}
