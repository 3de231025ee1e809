//! The signed-in member and a switcher between the workspace's members (browser mode's demo identity).

use crate::store::use_store;
use leptos::prelude::*;

/// The avatar button with a menu of members.
#[component]
pub fn MemberMenu() -> impl IntoView {
    let store = use_store();
    let open = RwSignal::new(false);
    let me = move || store.me();
    view! {
        <div class="member-menu">
            <button
                type="button"
                class="member-menu__button"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-label=move || format!("Signed in as {} ({}). Switch member", me().name, me().role.display_name())
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{move || me().initials()}</span>
                <span class="member-menu__who">
                    <span class="member-menu__name">{move || me().name}</span>
                    <span class="member-menu__role">{move || me().role.display_name()}</span>
                </span>
            </button>
            <Show when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <ul
                    class="menu"
                    role="menu"
                    aria-label="Switch member"
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <li role="presentation" class="menu__heading">"Sign in as a workspace member"</li>
                    {move || {
                        store
                            .workspace
                            .with(|w| w.members.clone())
                            .into_iter()
                            .map(|m| {
                                let name = m.name.clone();
                                let checked = {
                                    let name = name.clone();
                                    move || (store.member_name.get() == name).to_string()
                                };
                                view! {
                                    <li
                                        role="menuitemradio"
                                        tabindex="0"
                                        aria-checked=checked
                                        class="menu__item"
                                        on:click={
                                            let name = name.clone();
                                            move |_| {
                                                store.switch_member(&name);
                                                open.set(false);
                                            }
                                        }
                                        on:keydown={
                                            let name = name.clone();
                                            move |ev| {
                                                if ev.key() == "Enter" || ev.key() == " " {
                                                    store.switch_member(&name);
                                                    open.set(false);
                                                }
                                            }
                                        }
                                    >
                                        <span class="avatar avatar--small" aria-hidden="true">{m.initials()}</span>
                                        <span>
                                            <span class="menu__item-name">{m.name.clone()}</span>
                                            <span class="menu__item-meta">{format!(" — {}", m.role.display_name())}</span>
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                    <li role="presentation" class="menu__note">
                        "Browser mode: anyone using this browser can pick any member. A shared server checks who you are."
                    </li>
                </ul>
            </Show>
        </div>
    }
}
