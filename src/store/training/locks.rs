//! The Web Lock a tab holds while it trains a job: held until dropped, and released by the
//! browser when the tab closes or reloads, so another tab can tell a job left behind.

use js_sys::Reflect;
use std::collections::HashSet;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A Web Lock held until dropped (none where the browser has no `navigator.locks`).
pub(super) struct Lock(Option<js_sys::Function>);

fn locks() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"locks".into())
        .ok()
        .filter(|l| !l.is_undefined())
}

impl Lock {
    /// Takes the lock `name` (in the background: the browser grants it when it is free).
    pub(super) fn hold(name: &str) -> Lock {
        let Some(locks) = locks() else {
            return Lock(None);
        };
        let mut release = None;
        let held = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
        let callback = Closure::once_into_js(move |_: JsValue| held);
        let request = Reflect::get(&locks, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(request) = request {
            let _ = request.call2(&locks, &name.into(), &callback);
        }
        Lock(release)
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(release) = &self.0 {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

/// The names of the Web Locks held by any tab, or `None` when the browser cannot tell.
pub(super) async fn held_locks() -> Option<HashSet<String>> {
    let locks = locks()?;
    let query = Reflect::get(&locks, &"query".into()).ok()?;
    let promise = query
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call0(&locks)
        .ok()?;
    let state = JsFuture::from(promise.dyn_into::<js_sys::Promise>().ok()?)
        .await
        .ok()?;
    let held: js_sys::Array = Reflect::get(&state, &"held".into()).ok()?.dyn_into().ok()?;
    Some(
        held.iter()
            .filter_map(|l| Reflect::get(&l, &"name".into()).ok()?.as_string())
            .collect(),
    )
}

/// The lock of job `training` (`<workspaceId>/<job>`).
pub(super) fn lock_name(training: &str) -> String {
    format!("azimuth.automl/{training}")
}
