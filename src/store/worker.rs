//! The studio's Web Worker (crates/worker): work too long for the page's thread, such as a
//! file's profile, is posted to it and its answer awaited, so the page stays responsive. Each
//! task gets a worker of its own, ended when it answers (a task is a click, not a stream).

use azimuth_core::data::preview::Format;
use azimuth_core::data::profile::Profile;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, MessageEvent, Worker, WorkerOptions, WorkerType};

/// Where the release build put the worker's script (`<meta name=azimuth-worker>`).
fn script() -> Result<String, String> {
    leptos::prelude::document()
        .query_selector("meta[name=azimuth-worker]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .ok_or_else(|| "This build of the studio has no worker (`cargo xtask build` makes one), so it cannot profile files in the browser.".to_owned())
}

/// A new worker.
fn spawn() -> Result<Worker, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    Worker::new_with_options(&script()?, &options)
        .map_err(|_| "This browser cannot start a worker.".to_owned())
}

/// Posts `message` to a new worker; answers its `ok` text or its `error`.
async fn run(message: &js_sys::Object) -> Result<String, String> {
    let worker = spawn()?;
    let answer = js_sys::Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        let on_error = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call1(
                &JsValue::NULL,
                &JsValue::from_str(
                    "The worker could not start (its files may be missing: reload the page).",
                ),
            );
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    worker
        .post_message(message)
        .map_err(|_| "The file could not be handed to the worker.".to_owned())?;
    let reply = wasm_bindgen_futures::JsFuture::from(answer).await;
    worker.terminate();
    let reply = reply.map_err(|e| e.as_string().unwrap_or_default())?;
    let field = |name: &str| {
        js_sys::Reflect::get(&reply, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    match (field("ok"), field("error")) {
        (Some(ok), _) => Ok(ok),
        (None, Some(error)) => Err(error),
        (None, None) => Err("The worker answered nothing.".into()),
    }
}

/// The profile of the tabular file in `blob`, read as `format` from text in `encoding`,
/// computed in the worker.
pub async fn profile(blob: &Blob, format: Format, encoding: &str) -> Result<Profile, String> {
    let message = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), value);
    };
    set("task", &"profile".into());
    set("blob", blob);
    let (json_lines, delimiter, header) = match format {
        Format::JsonLines => (true, b',', true),
        Format::Delimited { delimiter, header } => (false, delimiter, header),
    };
    set("jsonLines", &json_lines.into());
    set("delimiter", &delimiter.into());
    set("header", &header.into());
    set("encoding", &encoding.into());
    let text = run(&message).await?;
    azimuth_core::arm::json_de::from_json(&text)
        .map_err(|e| format!("The worker's profile could not be read: {e}."))
}

/// Messages a worker posts, kept in order until read, and the waker of the reader waiting.
#[derive(Default)]
struct Inbox {
    messages: VecDeque<(String, JsValue)>,
    waiting: Option<js_sys::Function>,
}

/// A long task in a worker of its own that answers as it goes (an AutoML job's training): its
/// messages `{kind, payload}` are read one at a time, in the order posted.
pub struct Stream {
    worker: Worker,
    inbox: Rc<RefCell<Inbox>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Stream {
    /// Starts a worker and posts `message` to it.
    pub fn start(message: &js_sys::Object) -> Result<Stream, String> {
        let worker = spawn()?;
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let deliver = {
            let inbox = inbox.clone();
            move |kind: String, payload: JsValue| {
                let waiting = {
                    let mut inbox = inbox.borrow_mut();
                    inbox.messages.push_back((kind, payload));
                    inbox.waiting.take()
                };
                if let Some(wake) = waiting {
                    let _ = wake.call0(&JsValue::NULL);
                }
            }
        };
        let on_message = {
            let deliver = deliver.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let field =
                    |name: &str| js_sys::Reflect::get(&data, &name.into()).unwrap_or_default();
                deliver(
                    field("kind").as_string().unwrap_or_default(),
                    field("payload"),
                );
            })
        };
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let why = "The worker stopped (its files may be missing, or the page ran out of memory): reload the page and submit the job again.";
            deliver("error".into(), JsValue::from_str(why));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker
            .post_message(message)
            .map_err(|_| "The job could not be handed to the worker.".to_owned())?;
        Ok(Stream {
            worker,
            inbox,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// The next message: its kind and payload.
    pub async fn next(&self) -> (String, JsValue) {
        loop {
            if let Some(message) = self.inbox.borrow_mut().messages.pop_front() {
                return message;
            }
            let inbox = self.inbox.clone();
            let woken = js_sys::Promise::new(&mut |resolve, _| {
                inbox.borrow_mut().waiting = Some(resolve);
            });
            let _ = wasm_bindgen_futures::JsFuture::from(woken).await;
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
