//! Pages the studio downloads when they are first shown: each is a split point, and the
//! release build (`cargo xtask build`) cuts its code into a wasm chunk of its own, so a page
//! nobody opens costs nothing at first load. Without the `split` feature (tests, `cargo
//! check`), the same pages are plain functions in the one module.

use leptos::prelude::*;

/// Builds a lazily loaded page's view; its argument is the compute name in the path, or empty.
pub type PageView = fn(String) -> AnyView;

/// A page's chunk could not be downloaded (offline, or a build replaced while the tab was open).
#[derive(Clone, Copy, Debug)]
pub struct LoadFailed;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for LoadFailed {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        LoadFailed
    }
}

/// Declares `async fn $name() -> Result<PageView, LoadFailed>`: a page in the chunk `$chunk`
/// (pages that are opened together share one chunk), built by `$view`.
#[macro_export]
macro_rules! lazy_page {
    ($(#[$doc:meta])* $vis:vis $name:ident in $chunk:ident => $view:expr) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[wasm_split_helpers::wasm_split($chunk, fallible)]
        $vis fn $name() -> Result<$crate::lazy::PageView, $crate::lazy::LoadFailed> {
            Ok($view)
        }

        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        $vis async fn $name() -> Result<$crate::lazy::PageView, $crate::lazy::LoadFailed> {
            Ok($view)
        }
    };
}

/// Shows a lazily loaded page once its chunk is in (nothing before: chunks are small), or says
/// that it could not be downloaded.
pub fn show(
    load: impl std::future::Future<Output = Result<PageView, LoadFailed>> + 'static,
    name: String,
) -> AnyView {
    let loaded = RwSignal::new(None::<Result<PageView, LoadFailed>>);
    leptos::task::spawn_local(async move {
        // The page may have been left before its chunk arrived; then there is nothing to show.
        let _ = loaded.try_set(Some(load.await));
    });
    (move || match loaded.get() {
        None => ().into_any(),
        Some(Ok(view)) => view(name.clone()),
        Some(Err(LoadFailed)) => view! {
            <p class="page-load-error" role="alert">
                "This page could not be downloaded. Check the connection, then reload the page."
            </p>
        }
        .into_any(),
    })
    .into_any()
}
