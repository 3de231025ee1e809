//! Pages the studio downloads when they are first shown: each is a split point, and the
//! release build (`cargo xtask build`) cuts its code into a wasm chunk of its own, so a page
//! nobody opens costs nothing at first load. Without the `split` feature (tests, `cargo
//! check`), the same pages are plain functions in the one module. [`LazyPage`] shows such a page
//! behind a leptos_router route, which awaits it as it awaits its own `Lazy` routes (written
//! here rather than with `#[lazy_route]`, whose split points exist in every csr build and cannot
//! fail gracefully).

use leptos::prelude::*;
use leptos::Params;
use leptos_router::hooks::use_params;
use leptos_router::params::{Params, ParamsError};

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
/// (pages that are opened together share one chunk), built by `$view`. A part of a page that
/// only that page opens (a tab, an editor) is in the chunk `<page>__<part>`: its file then
/// leaves out the code the page's own file brings (`xtask/src/bundles.rs`).
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

/// The typed parameter of a page's path: the compute's name, when the path has one.
#[derive(Params, Clone, Debug, PartialEq)]
pub struct NameParam {
    /// The name in the path (`/compute/instances/:name`).
    pub name: Option<String>,
}

/// The name in the current route's path, as a signal (empty when it has none).
pub type Name = Memo<Result<NameParam, ParamsError>>;

/// The current route's name parameter.
pub fn name_param() -> Name {
    use_params::<NameParam>()
}

/// A loaded page's view over its path's name (which the view follows), or the message that its
/// chunk could not be downloaded.
pub fn shown(loaded: Result<PageView, LoadFailed>, name: Name) -> AnyView {
    match loaded {
        Ok(view) => (move || {
            view(name.with(|n| {
                n.as_ref()
                    .ok()
                    .and_then(|n| n.name.clone())
                    .unwrap_or_default()
            }))
        })
        .into_any(),
        Err(LoadFailed) => view! {
            <p class="page-load-error" role="alert">
                "This page could not be downloaded. Check the connection, then reload the page."
            </p>
        }
        .into_any(),
    }
}

/// A lazily loaded page on its way: what a [`lazy_page!`] function returns, boxed.
pub type PageLoad =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<PageView, LoadFailed>>>>;

/// A route's view: the page its function loads (see [`lazy_view!`]), shown over the path's
/// name once its chunk is in. leptos_router awaits it as it awaits a `Lazy` route. Its `Lazy<T>`
/// is a type per route, and the router's matching and choosing code was made once for each of
/// the 32 (about 48 KB of the entry's code before wasm-opt); one type for every page makes it once.
#[derive(Clone, Copy)]
pub struct LazyPage(pub fn() -> PageLoad);

impl leptos_router::ChooseView for LazyPage {
    async fn choose(self) -> AnyView {
        // Read in the route's own scope, before the chunk is awaited.
        let name = name_param();
        shown((self.0)().await, name)
    }

    async fn preload(&self) {}
}

/// The route view ([`LazyPage`]) that shows the page `$load` (a [`lazy_page!`]).
#[macro_export]
macro_rules! lazy_view {
    ($load:ident) => {
        $crate::lazy::LazyPage(|| -> $crate::lazy::PageLoad { Box::pin($load()) })
    };
}

/// Shows a lazily loaded page or panel outside the routes (the start page, signing in, a
/// wizard) once its chunk is in, or says that it could not be downloaded.
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
                "This part of the studio could not be downloaded. Check the connection, then reload the page."
            </p>
        }
        .into_any(),
    })
    .into_any()
}
