//! Small wrappers over the browser: the clock, localStorage and per-browser preferences.

use wasm_bindgen::JsCast;

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Waits `ms` milliseconds (at once where the page has no timer).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let timer = web_sys::window()
            .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms));
        if !matches!(timer, Some(Ok(_))) {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The browser's localStorage, when the page may use it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Choices that belong to this browser, not to the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preference {
    /// The member this browser is signed in as.
    Member,
    /// Whether the navigation is collapsed.
    NavCollapsed,
    /// The session token of server mode.
    Session,
    /// The ARM id of the workspace opened last.
    Workspace,
    /// Why the sign-in page is shown (signed out, session ended), shown once.
    SignInNotice,
    /// Whether the guided lab's panel is open.
    LabOpen,
    /// What the person did towards the guided lab, per workspace.
    LabProgress,
}

impl Preference {
    fn key(self) -> &'static str {
        match self {
            Self::Member => "azimuth.member",
            Self::NavCollapsed => "azimuth.navCollapsed",
            Self::Session => "azimuth.session",
            Self::Workspace => "azimuth.lastWorkspace",
            Self::SignInNotice => "azimuth.signInNotice",
            Self::LabOpen => "azimuth.labOpen",
            Self::LabProgress => "azimuth.labProgress",
        }
    }
}

/// Reads a preference.
pub fn load_preference(p: Preference) -> Option<String> {
    local_storage()?.get_item(p.key()).ok().flatten()
}

/// Writes a preference; a failure only means it will not survive a reload.
pub fn save_preference(p: Preference, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(p.key(), value);
    }
}

/// Forgets a preference.
pub fn forget_preference(p: Preference) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(p.key());
    }
}

/// Offers `text` as a file download named `file_name`.
pub fn download(file_name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(file_name, &blob);
    }
}

/// Offers a blob (a file's bytes) as a download named `file_name`.
pub fn download_blob(file_name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(a) = document
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(file_name);
        a.click();
    }
    // Some browsers drop the download if the address goes away at once.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}

/// Copies text to the clipboard.
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}
