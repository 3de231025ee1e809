//! Shown when an address names a workspace the person holds no role in (or one that does not
//! exist): says so plainly, who can give access, and offers the list of their workspaces.

use crate::store::use_session;
use leptos::prelude::*;

/// The page for a workspace one may not see.
#[component]
pub fn NoAccessPage(
    /// The `wsid` the address asked for.
    wsid: String,
) -> impl IntoView {
    let session = use_session();
    let name = wsid.rsplit('/').next().unwrap_or(&wsid).to_owned();
    document().set_title(&format!("No access to {name} · Azimuth"));
    let me = move || session.member_name.get();
    view! {
        <main class="recovery" id="main">
            <div class="recovery__card" role="alert">
                <h1>{format!("You don't have access to the workspace {name}")}</h1>
                <p class="recovery__reason">
                    {move || format!("{} holds no role in {wsid}, or no such workspace exists. A workspace shows only to the people its Owners (or the Owners of its resource group or subscription) have given a role.", me())}
                </p>
                <p>"Ask one of the workspace's Owners to add you in its Access control, then open the link again."</p>
                <div class="recovery__actions">
                    <a class="button button--primary" href="/workspaces" rel="external">"Go to your workspaces"</a>
                </div>
            </div>
        </main>
    }
}
