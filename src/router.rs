//! Client-side routing: the current path as a signal, links that navigate without reloading,
//! and the back and forward buttons. The open workspace is in every address as Azure's studio
//! puts it (`?wsid=/subscriptions/{sub}/resourcegroups/{rg}/workspaces/{name}`): [`href`] adds
//! it to a link, and every navigation keeps it.
//!
//! Written here rather than with leptos_router: the studio needs only flat paths with one
//! parameter. Measured on 2026-11-29 (branch `router`, 0dd2e8a: leptos_router 0.8 with nested
//! routes, `Outlet`, typed params, the query map and lazy routes over these split points, plus
//! gloo-net for `fetch`, the server e2e suite green): every page's first load grew by 43 KB
//! brotli, the Compute page's from 252,286 to 295,194 bytes against a 250,000-byte budget.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The current location; set up by [`provide_router`].
#[derive(Clone, Copy)]
pub struct Location {
    /// The path, e.g. `/compute/instances`.
    pub path: RwSignal<String>,
}

thread_local! {
    /// The page's one location. Kept here rather than in a Leptos context so that event
    /// listeners, which run outside any reactive owner, can navigate too.
    static LOCATION: std::cell::OnceCell<Location> = const { std::cell::OnceCell::new() };
    /// The path the current history entry was pushed from, when the studio pushed it.
    static PUSHED_FROM: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    /// The open workspace's `wsid`, which every address inside the studio carries.
    static WSID: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    /// What the page holds that leaving would lose: asked before Back or Forward leaves it.
    static HOLD: std::cell::RefCell<Option<std::rc::Rc<dyn Fn() -> bool>>> = const { std::cell::RefCell::new(None) };
}

/// Sets the workspace every address carries from now on, and puts it in the current address.
pub fn set_workspace(wsid: &str) {
    WSID.with(|w| *w.borrow_mut() = Some(wsid.to_owned()));
    let location = window().location();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let search = location.search().unwrap_or_default();
    let wanted = href(&format!("{path}{search}"));
    if wanted != format!("{path}{search}") {
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&wanted));
        }
    }
}

/// A path inside the studio with the open workspace's `wsid` added (when it has none).
pub fn href(path: &str) -> String {
    let Some(wsid) = WSID.with(|w| w.borrow().clone()) else {
        return path.to_owned();
    };
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    if query.split('&').any(|p| p.starts_with("wsid=")) {
        return path.to_owned();
    }
    let params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let mut out = format!("{base}?wsid={wsid}");
    for p in params {
        out.push('&');
        out.push_str(p);
    }
    out
}

/// A parameter of the current address's query, decoded.
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k == name).then(|| {
            js_sys::decode_uri_component(&v.replace('+', " "))
                .map(String::from)
                .unwrap_or_else(|_| v.to_owned())
        })
    })
}

/// Keeps the page when the back or forward button is pressed while `hold` answers true (it
/// then asks the person, who may leave with [`leave_to`]); until [`release_page`].
pub fn hold_page(hold: impl Fn() -> bool + 'static) {
    HOLD.with(|h| *h.borrow_mut() = Some(std::rc::Rc::new(hold)));
}

/// Lets the back and forward buttons leave the page again.
pub fn release_page() {
    HOLD.with(|h| *h.borrow_mut() = None);
}

/// The location of the page (set up by [`provide_router`]).
pub fn use_location() -> Location {
    LOCATION.with(|l| *l.get().expect("provide_router runs before any page"))
}

/// Paths that are another page's old or short name.
const REDIRECTS: [(&str, &str); 2] = [
    ("/compute", "/compute/instances"),
    ("/compute/", "/compute/instances"),
];

fn canonical(path: &str) -> &str {
    REDIRECTS
        .iter()
        .find(|(from, _)| *from == path)
        .map_or(path, |(_, to)| to)
}

/// The browser's path, after redirects (which replace the history entry): a path's old name, or
/// an entry that was left for good (see [`leave_to`]), which goes where it was left for.
fn current_path() -> String {
    let path = window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    let left_for = window()
        .history()
        .ok()
        .and_then(|h| h.state().ok())
        .and_then(|s| s.as_string());
    let target = left_for.as_deref().unwrap_or_else(|| canonical(&path));
    if target != path {
        let search = window().location().search().unwrap_or_default();
        if let Ok(history) = window().history() {
            let url = format!("{target}{search}");
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    target.to_owned()
}

/// Starts routing for the page's lifetime: tracks the path, follows same-origin links in place
/// and answers the back and forward buttons.
pub fn provide_router() -> Location {
    let location = LOCATION.with(|l| {
        *l.get_or_init(|| Location {
            path: RwSignal::new(current_path()),
        })
    });
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        let hold = HOLD.with(|h| h.borrow().clone());
        if hold.is_some_and(|hold| hold()) {
            // History has moved already: put the page's entry back on top of where it went.
            let went_to = canonical(&window().location().pathname().unwrap_or_default()).to_owned();
            let here = location.path.get_untracked();
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&href(&here)),
                );
            }
            PUSHED_FROM.with(|p| *p.borrow_mut() = Some(went_to));
            return;
        }
        PUSHED_FROM.with(|p| *p.borrow_mut() = None);
        location.path.set(current_path())
    });
    let clicks = window_event_listener(leptos::ev::click, move |ev: web_sys::MouseEvent| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(anchor) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = anchor.get_attribute("href").unwrap_or_default();
        if href.starts_with('/')
            && !href.starts_with("//")
            && !anchor.has_attribute("download")
            && !anchor.has_attribute("data-full-load")
            && anchor.get_attribute("target").is_none()
        {
            ev.prevent_default();
            navigate(&href);
        }
    });
    // Both listeners live as long as the page.
    std::mem::forget((popstate, clicks));
    location
}

/// Goes to a path inside the studio, adding a history entry.
pub fn navigate(path: &str) {
    change(path, false);
}

fn change(path: &str, replace: bool) {
    let url = href(path);
    let path = canonical(path.split('?').next().unwrap_or(path));
    let location = use_location();
    let from = location.path.get_untracked();
    if from == path {
        return;
    }
    PUSHED_FROM.with(|p| *p.borrow_mut() = (!replace).then_some(from));
    if let Ok(history) = window().history() {
        let state = wasm_bindgen::JsValue::NULL;
        let url = match url.split_once('?') {
            Some((_, query)) => format!("{path}?{query}"),
            None => path.to_owned(),
        };
        let _ = if replace {
            history.replace_state_with_url(&state, "", Some(&url))
        } else {
            history.push_state_with_url(&state, "", Some(&url))
        };
    }
    location.path.set(path.to_owned());
    if let Some(main) = document().get_element_by_id("main") {
        main.set_scroll_top(0);
    }
}

/// Leaves the current page for `path`: back through history when the studio came here from
/// `path` (closing a wizard opened from the list), so history holds no duplicate entries, with
/// the entry left marked so that Forward goes to `path` too, not to an empty wizard; otherwise
/// in place of the current entry.
pub fn leave_to(path: &str) {
    let came_from_there = PUSHED_FROM.with(|p| p.borrow().as_deref() == Some(canonical(path)));
    match window().history() {
        Ok(history) if came_from_there => {
            PUSHED_FROM.with(|p| *p.borrow_mut() = None);
            let _ = history.replace_state(&wasm_bindgen::JsValue::from_str(canonical(path)), "");
            let _ = history.back();
        }
        _ => change(path, true),
    }
}
