//! The studio's addresses over leptos_router. The open workspace is in every address as Azure's
//! studio puts it (`?wsid=/subscriptions/{sub}/resourcegroups/{rg}/workspaces/{name}`): [`href`]
//! adds it to a link, and every navigation keeps it. A page holding input that leaving would
//! lose (a filled-in wizard) keeps Back and Forward from leaving it ([`hold_page`]), and has the
//! browser ask before the studio itself is left (a reload, another address, Back out of a page
//! opened directly); such a page is left with [`leave_to`], so that Forward does not bring back
//! an emptied copy of it.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use std::cell::RefCell;
use std::rc::Rc;

/// The current location, from leptos_router.
#[derive(Clone, Copy)]
pub struct Location {
    /// The path, e.g. `/compute/instances`.
    pub path: Memo<String>,
}

type Navigate = Rc<dyn Fn(&str, NavigateOptions)>;

thread_local! {
    /// The router's navigation, for event handlers that run outside any reactive owner.
    static NAVIGATE: RefCell<Option<Navigate>> = const { RefCell::new(None) };
    /// The path shown now, and the one the studio came to it from by going forward.
    static HERE: RefCell<(String, Option<String>)> = const { RefCell::new((String::new(), None)) };
    /// Whether the next change of path comes from Back or Forward, or replaces the entry.
    static POPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The open workspace's `wsid`, which every address inside the studio carries.
    static WSID: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether the page holds what leaving would lose, and how it asks the person about it.
    static HOLD: RefCell<Option<Hold>> = const { RefCell::new(None) };
    /// The number the last hold was given.
    static HOLDS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// Whether the browser's "Leave site?" question is wired to [`HOLD`].
    static UNLOAD_GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A held page: whether it has input to lose now, and how it asks about it; a dialog over a
/// held page (a Create data asset wizard over the AutoML wizard) holds it on top of the page's.
#[derive(Clone)]
struct Hold {
    id: u32,
    unsaved: Signal<bool>,
    ask: Rc<dyn Fn()>,
    under: Option<Rc<Hold>>,
}

impl Hold {
    /// Whether its form is still shown (its signal not yet disposed).
    fn alive(&self) -> bool {
        self.unsaved.try_get_untracked().is_some()
    }

    fn own_unsaved(&self) -> bool {
        self.unsaved.try_get_untracked().unwrap_or(false)
    }

    /// Whether it, or the page under it, has input to lose.
    fn unsaved(&self) -> bool {
        self.own_unsaved() || self.under.as_ref().is_some_and(|u| u.unsaved())
    }

    /// Asks about the topmost input there is to lose.
    fn ask(&self) {
        match &self.under {
            Some(under) if !self.own_unsaved() => under.ask(),
            _ => (self.ask)(),
        }
    }
}

/// Sets the workspace every address carries from now on, and puts it in the current address.
pub fn set_workspace(wsid: &str) {
    WSID.with(|w| *w.borrow_mut() = Some(wsid.to_owned()));
    let location = window().location();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let search = location.search().unwrap_or_default();
    let wanted = href(&format!("{path}{search}"));
    if wanted != format!("{path}{search}") {
        replace_url(&wasm_bindgen::JsValue::NULL, &wanted);
    }
}

fn replace_url(state: &wasm_bindgen::JsValue, url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(state, "", Some(url));
    }
}

/// Turns an MLflow UI link the mlflow client printed (`<tracking URI>/#/experiments/<id>/runs/
/// <run id>`, which the server answers with the studio) into the studio address of that job or
/// experiment, in place, before the studio reads its address.
pub fn follow_mlflow_link() {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Some(to) = azimuth_core::jobs::links::studio_address(&path, &hash) {
        replace_url(&wasm_bindgen::JsValue::NULL, &to);
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
    let mut out = format!("{base}?wsid={wsid}");
    for p in query.split('&').filter(|p| !p.is_empty()) {
        out.push('&');
        out.push_str(p);
    }
    out
}

/// A parameter of the browser's address, decoded (read before the router starts); an empty
/// one (`?wsid=`) is no parameter.
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
        .filter(|value| !value.trim().is_empty())
}

/// A page's state kept in the address's query as `?{name}=` (a search, a filter, a tab): read
/// from the address when the page opens and written back in place as it changes (no new history
/// entry), so a reload or a shared link shows the same. The default value leaves it out.
pub fn query_state<T>(name: &'static str) -> RwSignal<T>
where
    T: std::str::FromStr + ToString + Default + PartialEq + Clone + Send + Sync + 'static,
{
    let options = NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    };
    let (read, write) = leptos_router::hooks::query_signal_with_options::<T>(name, options);
    let state = RwSignal::new(read.get_untracked().unwrap_or_default());
    Effect::watch(
        move || state.get(),
        move |value, _, _| write.set((*value != T::default()).then(|| value.clone())),
        false,
    );
    state
}

/// Keeps the page when the back or forward button is pressed while `unsaved` is true, and calls
/// `ask` (the person may then leave with [`leave_to`]); while it is true, leaving the studio
/// altogether has the browser ask first. Until [`release_hold`] of the number it returns, or
/// [`release_page`]. Held over a page that holds input, it holds that page's too.
pub fn hold_page(unsaved: Signal<bool>, ask: impl Fn() + 'static) -> u32 {
    let id = HOLD.with(|h| {
        let mut held = h.borrow_mut();
        let under = held.take().filter(Hold::alive).map(Rc::new);
        let id = HOLDS.with(|n| n.get() + 1);
        HOLDS.with(|n| n.set(id));
        *held = Some(Hold {
            id,
            unsaved,
            ask: Rc::new(ask),
            under,
        });
        id
    });
    if !UNLOAD_GUARDED.replace(true) {
        let unload = window_event_listener(leptos::ev::beforeunload, |ev| {
            if HOLD.with(|h| h.borrow().as_ref().is_some_and(Hold::unsaved)) {
                ev.prevent_default();
            }
        });
        std::mem::forget(unload);
    }
    id
}

/// Lets the back and forward buttons leave the page again.
pub fn release_page() {
    HOLD.with(|h| *h.borrow_mut() = None);
}

/// Ends the hold [`hold_page`] numbered `id`, and any held over it (a dialog over a page that
/// is left), giving the page under it (if still shown) its own hold back.
pub fn release_hold(id: u32) {
    HOLD.with(|h| {
        let mut held = h.borrow_mut();
        let mut at = held.clone();
        while let Some(hold) = at {
            let under = hold.under.as_deref().cloned();
            if hold.id == id {
                *held = under.filter(Hold::alive);
                return;
            }
            at = under;
        }
    });
}

/// The location of the page (inside the `Router`).
pub fn use_location() -> Location {
    let location = leptos_router::hooks::use_location();
    Location {
        path: Memo::new(move |_| location.pathname.get()),
    }
}

/// Answers Back and Forward before leptos_router does: a held page stays (its entry is put back
/// on top), and an entry left for good (see [`leave_to`]) goes where it was left for. Call
/// before the `Router` is built, so that this listener runs first.
pub fn guard_history() {
    let popstate = window_event_listener(leptos::ev::popstate, move |ev| {
        let held = HOLD.with(|h| h.borrow().clone()).filter(Hold::unsaved);
        if let Some(held) = held {
            held.ask();
            ev.stop_immediate_propagation();
            let here = HERE.with(|h| h.borrow().0.clone());
            let went_to = window().location().pathname().unwrap_or_default();
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&href(&here)),
                );
            }
            HERE.with(|h| h.borrow_mut().1 = Some(went_to));
            return;
        }
        POPPED.with(|p| p.set(true));
        let left_for = window()
            .history()
            .ok()
            .and_then(|h| h.state().ok())
            .and_then(|s| s.as_string());
        if let Some(target) = left_for {
            let search = window().location().search().unwrap_or_default();
            replace_url(&wasm_bindgen::JsValue::NULL, &format!("{target}{search}"));
        }
    });
    std::mem::forget(popstate);
}

/// Keeps what [`navigate`] and [`leave_to`] need; placed inside the `Router`.
#[component]
pub fn RouterHooks() -> impl IntoView {
    let navigate = use_navigate();
    NAVIGATE.with(|n| *n.borrow_mut() = Some(Rc::new(move |to, options| navigate(to, options))));
    let path = use_location().path;
    Effect::new(move |_| {
        let path = path.get();
        let popped = POPPED.with(|p| p.replace(false));
        let first = HERE.with(|h| {
            let mut h = h.borrow_mut();
            let from = std::mem::replace(&mut h.0, path);
            let first = from.is_empty();
            h.1 = (!popped && !first).then_some(from);
            first
        });
        // The first page starts at the top anyway; setting it would force a layout (18 ms of
        // a runs page's first load).
        if !first {
            if let Some(main) = document().get_element_by_id("main") {
                main.set_scroll_top(0);
            }
        }
    });
}

/// Goes to a path inside the studio, adding a history entry.
pub fn navigate(path: &str) {
    go(path, false);
}

fn go(path: &str, replace: bool) {
    let navigate = NAVIGATE.with(|n| n.borrow().clone());
    if let Some(navigate) = navigate {
        POPPED.with(|p| p.set(replace));
        let options = NavigateOptions {
            replace,
            scroll: false,
            ..Default::default()
        };
        navigate(&href(path), options);
    }
}

/// Leaves the current page for `path`: back through history when the studio came here from
/// `path` (closing a wizard opened from the list), so history holds no duplicate entries, with
/// the entry left marked so that Forward goes to `path` too, not to an empty wizard; otherwise
/// in place of the current entry.
pub fn leave_to(path: &str) {
    let came_from_there = HERE.with(|h| h.borrow().1.as_deref() == Some(path));
    match window().history() {
        Ok(history) if came_from_there => {
            HERE.with(|h| h.borrow_mut().1 = None);
            let _ = history.replace_state(&wasm_bindgen::JsValue::from_str(path), "");
            let _ = history.back();
        }
        _ => go(path, true),
    }
}

/// Leaves a page that holds input: for where Back or Forward was taking it when it was held
/// (see [`hold_page`]) or, by its Cancel, for the page it was opened from; for `otherwise`
/// when it was opened by its address.
pub fn leave_held(otherwise: &str) {
    let went = HERE.with(|h| h.borrow().1.clone());
    leave_to(went.as_deref().unwrap_or(otherwise));
}

/// A route's path that is one of two paths (a list and its "+ New" wizard, e.g. `/instances`
/// and `/create/instance`): both match one route, so moving between them keeps the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OneOf(pub &'static str, pub &'static str);

impl leptos_router::PossibleRouteMatch for OneOf {
    fn optional(&self) -> bool {
        false
    }

    fn test<'a>(&self, path: &'a str) -> Option<leptos_router::PartialPathMatch<'a>> {
        let matches = |p: &str| {
            let rest = path.strip_prefix(p)?;
            (rest.is_empty() || rest.starts_with('/')).then_some((p.len(), rest))
        };
        // The path that is all of it first: `""` and `/create` both start `/create`.
        let found = [self.0, self.1].into_iter().filter_map(matches);
        let (len, rest) = found.min_by_key(|(_, rest)| !rest.is_empty())?;
        Some(leptos_router::PartialPathMatch::new(
            rest,
            Vec::new(),
            &path[..len],
        ))
    }

    fn generate_path(&self, path: &mut Vec<leptos_router::PathSegment>) {
        path.push(leptos_router::PathSegment::Static(self.0.into()));
    }
}
