//! The Store's notebook kernels: real Jupyter kernels on the person's running compute instance
//! (azimuth-server with `--instance-runtime local`; their outputs stream in as the cell runs),
//! or "Python (in this browser)": Pyodide in a Worker of this page, loaded only when first
//! used, for the standard library and pure-Python code.

use super::{remote, Backend, Store};
use azimuth_core::arm::json::to_json;
use azimuth_core::ArmError;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// The display name of the in-browser kernel.
pub const BROWSER_KERNEL: &str = "Python (in this browser)";
/// What the in-browser kernel cannot do, said where it is chosen.
pub const BROWSER_KERNEL_LIMITS: &str = "Runs the Python standard library and pure-Python code in this page (Pyodide). numpy, pandas, scikit-learn and mlflow are not available here; run those on a compute instance.";

/// Whether the server runs kernels on compute instances.
#[derive(Clone, Debug, PartialEq)]
pub struct Runtime {
    /// The kernel's display name (e.g. "Python 3.10 - SDK v2"), when the server runs them.
    pub kernel: Option<String>,
    /// Why it does not, when it does not.
    pub reason: Option<String>,
}

/// How a cell ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// `ok`, `error` or `aborted`.
    pub status: String,
    /// The kernel's count for the cell, when it gave one.
    pub execution_count: Option<u64>,
}

/// A running kernel a notebook is attached to; cheap to clone.
#[derive(Clone)]
pub struct Kernel {
    place: Place,
    /// Its display name.
    pub name: String,
}

#[derive(Clone)]
enum Place {
    Server { store: Store, id: String },
    Browser(Rc<RefCell<BrowserKernel>>),
}

impl Store {
    /// Whether this store's server runs kernels on compute instances (a browser store: never).
    pub async fn kernel_runtime(&self) -> Runtime {
        match self.backend {
            Backend::Browser(_) => Runtime {
                kernel: None,
                reason: Some("This workspace is kept in your browser, so its compute instances run nothing; notebooks run in this browser.".into()),
            },
            Backend::Server(_) => match remote::kernelspecs().await {
                Ok(specs) if specs["available"] == true => Runtime {
                    kernel: specs["kernelspecs"][0]["displayName"].as_str().map(str::to_owned),
                    reason: None,
                },
                Ok(specs) => Runtime {
                    kernel: None,
                    reason: specs["reason"].as_str().map(str::to_owned),
                },
                Err(e) => Runtime {
                    kernel: None,
                    reason: Some(e.message().to_owned()),
                },
            },
        }
    }

    /// A kernel on compute instance `compute` for notebook `path`: the one already running for
    /// it (after a reload), or a new one.
    pub async fn instance_kernel(&self, compute: &str, path: &str) -> Result<Kernel, ArmError> {
        let Backend::Server(_) = self.backend else {
            return Err(ArmError::new(
                "NotAvailable",
                "Compute instances of a workspace kept in the browser run nothing.",
            ));
        };
        let (token, ws) = (token_of(self)?, self.workspace_id());
        let running = remote::instance_kernels(&token, &ws, compute).await?;
        let model = match running.into_iter().find(|k| k["path"] == path) {
            Some(model) => model,
            None => remote::start_kernel(&token, &ws, compute, path).await?,
        };
        Ok(Kernel {
            name: model["displayName"].as_str().unwrap_or_default().to_owned(),
            place: Place::Server {
                store: *self,
                id: model["id"].as_str().unwrap_or_default().to_owned(),
            },
        })
    }

    /// The in-browser kernel, started (its first start fetches Pyodide: a few MB, a few s).
    pub async fn browser_kernel(&self) -> Result<Kernel, ArmError> {
        let kernel = BrowserKernel::start().await?;
        Ok(Kernel {
            name: BROWSER_KERNEL.into(),
            place: Place::Browser(kernel),
        })
    }
}

impl Kernel {
    /// Whether it runs in this browser.
    pub fn in_browser(&self) -> bool {
        matches!(self.place, Place::Browser(_))
    }

    /// Runs `code`, handing each output (an nbformat output) to `on_output` as it comes.
    pub async fn execute(
        &self,
        code: &str,
        on_output: impl Fn(Value) + 'static,
    ) -> Result<Reply, ArmError> {
        match &self.place {
            Place::Server { store, id } => {
                let token = token_of(store)?;
                remote::execute(&token, id, code, on_output).await
            }
            Place::Browser(kernel) => {
                BrowserKernel::execute(kernel, code, Box::new(on_output)).await
            }
        }
    }

    /// Interrupts the running cell. In the browser the kernel is ended and started again (a
    /// page cannot stop Python mid-cell otherwise), so its variables are gone.
    pub async fn interrupt(&self) -> Result<(), ArmError> {
        match &self.place {
            Place::Server { store, id } => {
                remote::kernel_action(&token_of(store)?, id, "interrupt").await
            }
            Place::Browser(kernel) => BrowserKernel::restart(kernel, true).await,
        }
    }

    /// Starts the kernel again, without its variables.
    pub async fn restart(&self) -> Result<(), ArmError> {
        match &self.place {
            Place::Server { store, id } => {
                remote::kernel_action(&token_of(store)?, id, "restart").await
            }
            Place::Browser(kernel) => BrowserKernel::restart(kernel, false).await,
        }
    }

    /// Ends a kernel in this browser at once (a kernel on an instance is left running).
    pub fn close_in_browser(&self) {
        if let Place::Browser(kernel) = &self.place {
            kernel.borrow().worker.terminate();
        }
    }

    /// Shuts the kernel down.
    pub async fn shutdown(&self) {
        match &self.place {
            Place::Server { store, id } => {
                if let Ok(token) = token_of(store) {
                    let _ = remote::shutdown_kernel(&token, id).await;
                }
            }
            Place::Browser(kernel) => kernel.borrow().worker.terminate(),
        }
    }
}

/// The session's token, for a kernel on the server.
fn token_of(store: &Store) -> Result<String, ArmError> {
    store
        .token()
        .ok_or_else(|| ArmError::new("AuthenticationFailed", "Sign in again to run cells."))
}

/// A cell waiting for the Worker: where its outputs go, and how its promise is resolved (with
/// the reply's JSON).
type Waiting = (Box<dyn Fn(Value)>, js_sys::Function);
type WaitingCells = Rc<RefCell<HashMap<u32, Waiting>>>;

/// Pyodide in a module Worker (`/pyodide/kernel.mjs`).
struct BrowserKernel {
    worker: Worker,
    next_id: u32,
    waiting: WaitingCells,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

/// Where the build put the kernel's Worker.
const KERNEL_SCRIPT: &str = "/pyodide/kernel.mjs";

fn kernel_failed(why: &str) -> ArmError {
    ArmError::new(
        "KernelFailed",
        format!("Python could not start in this browser: {why}"),
    )
}

/// Waits for a promise; its value as text.
async fn settled(promise: js_sys::Promise) -> Result<String, String> {
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|v| v.as_string().unwrap_or_default())
        .map_err(|e| e.as_string().unwrap_or_else(|| "unknown".into()))
}

impl BrowserKernel {
    /// A new Worker whose cells wait in `waiting`, answered once Pyodide has started in it.
    async fn spawn(waiting: WaitingCells) -> Result<Self, ArmError> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(KERNEL_SCRIPT, &options)
            .map_err(|_| kernel_failed("this browser cannot start a module Worker"))?;
        let ready: Rc<RefCell<Option<(js_sys::Function, js_sys::Function)>>> = Rc::default();
        let started = js_sys::Promise::new(&mut |resolve, reject| {
            *ready.borrow_mut() = Some((resolve, reject));
        });
        let cells = Rc::clone(&waiting);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = as_json(&event.data());
            let id = data["id"].as_u64().unwrap_or_default() as u32;
            match data["type"].as_str() {
                Some("ready") => {
                    if let Some((resolve, _)) = ready.borrow_mut().take() {
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                }
                Some("failed") => {
                    if let Some((_, reject)) = ready.borrow_mut().take() {
                        let why = data["message"].as_str().unwrap_or("unknown");
                        let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(why));
                    }
                }
                Some("output") => {
                    if let Some((on_output, _)) = cells.borrow().get(&id) {
                        on_output(data["output"].clone());
                    }
                }
                Some("reply") => {
                    let done = cells.borrow_mut().remove(&id);
                    if let Some((_, resolve)) = done {
                        let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&to_json(&data)));
                    }
                }
                _ => {}
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        if let Err(why) = settled(started).await {
            worker.terminate();
            return Err(kernel_failed(&why));
        }
        Ok(BrowserKernel {
            worker,
            next_id: 0,
            waiting,
            _on_message: on_message,
        })
    }

    /// The kernel, started.
    async fn start() -> Result<Rc<RefCell<Self>>, ArmError> {
        Ok(Rc::new(RefCell::new(Self::spawn(Rc::default()).await?)))
    }

    async fn execute(
        this: &Rc<RefCell<Self>>,
        code: &str,
        on_output: Box<dyn Fn(Value)>,
    ) -> Result<Reply, ArmError> {
        let stopped = || {
            ArmError::new(
                "KernelRestarted",
                "The browser kernel was stopped before the cell ended.",
            )
        };
        let promise = {
            let mut me = this.borrow_mut();
            me.next_id += 1;
            let id = me.next_id;
            let mut slot = None;
            let promise = js_sys::Promise::new(&mut |resolve, _| slot = Some(resolve));
            if let Some(resolve) = slot {
                me.waiting.borrow_mut().insert(id, (on_output, resolve));
            }
            let message = serde_json::json!({"type": "execute", "id": id, "code": code});
            let message = js_sys::JSON::parse(&to_json(&message)).unwrap_or(JsValue::NULL);
            me.worker.post_message(&message).map_err(|_| {
                ArmError::new("KernelFailed", "The browser kernel did not take the cell.")
            })?;
            promise
        };
        let reply: Value = settled(promise)
            .await
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .ok_or_else(stopped)?;
        Ok(Reply {
            status: reply["status"].as_str().unwrap_or("ok").to_owned(),
            execution_count: reply["executionCount"].as_u64(),
        })
    }

    /// Ends the Worker and starts another in its place; cells waiting end with `KeyboardInterrupt`
    /// (`interrupted`) or as aborted.
    async fn restart(this: &Rc<RefCell<Self>>, interrupted: bool) -> Result<(), ArmError> {
        let waiting = {
            let me = this.borrow();
            me.worker.terminate();
            Rc::clone(&me.waiting)
        };
        let cut: Vec<Waiting> = waiting.borrow_mut().drain().map(|(_, w)| w).collect();
        for (on_output, resolve) in cut {
            if interrupted {
                on_output(
                    serde_json::json!({"output_type": "error", "ename": "KeyboardInterrupt", "evalue": "Interrupted: the browser kernel was stopped and started again, so its variables are gone.", "traceback": []}),
                );
            }
            let status = if interrupted { "error" } else { "aborted" };
            let reply = to_json(&serde_json::json!({ "status": status }));
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&reply));
        }
        let fresh = Self::spawn(waiting).await?;
        *this.borrow_mut() = fresh;
        Ok(())
    }
}

/// A message from the Worker, as JSON.
fn as_json(value: &JsValue) -> Value {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}
