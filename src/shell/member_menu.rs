//! The signed-in member, with a menu: in browser mode a switcher between the workspace's members
//! (the demo identity); on a shared workspace, signing out.

use crate::store::use_store;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the focus `delta` items through the menu's items, wrapping around.
fn move_focus(menu: &web_sys::Element, delta: i32) {
    let Ok(items) = menu.query_selector_all("[role^=menuitem]") else {
        return;
    };
    let count = items.length() as i32;
    if count == 0 {
        return;
    }
    let active = document().active_element();
    let current = (0..count).find(|&i| {
        items.item(i as u32).as_ref() == active.as_ref().map(|a| a.unchecked_ref::<web_sys::Node>())
    });
    let next = current.map_or(0, |i| (i + delta).rem_euclid(count));
    if let Some(item) = items
        .item(next as u32)
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = item.focus();
    }
}

/// The menu's state, which its lazily loaded list reads.
#[derive(Clone, Copy)]
struct MenuState {
    /// Whether the menu is open.
    open: RwSignal<bool>,
    /// The avatar button, which gets the focus back when the menu closes.
    button: NodeRef<leptos::html::Button>,
}

/// The avatar button with a menu of members (the menu's code is fetched when first opened).
#[component]
pub fn MemberMenu() -> impl IntoView {
    let store = use_store();
    let open = RwSignal::new(false);
    let me = move || store.me();
    let menu_name = menu_name(store.is_shared());
    let button_ref = NodeRef::<leptos::html::Button>::new();
    provide_context(MenuState {
        open,
        button: button_ref,
    });
    view! {
        <div class="member-menu">
            <button
                type="button"
                class="member-menu__button"
                node_ref=button_ref
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                // The visible initials, name and role first (WCAG 2.5.3, label in name), so
                // speech input can name the button by what it shows.
                aria-label=move || format!("{} {} {}, signed in. {menu_name}", me().initials(), me().name, me().role.display_name())
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{move || me().initials()}</span>
                <span class="member-menu__who">
                    <span class="member-menu__name">{move || me().name}</span>
                    <span class="member-menu__role">{move || me().role.display_name()}</span>
                </span>
            </button>
            <Show when=move || open.get()>{crate::lazy::show(member_list(), String::new())}</Show>
        </div>
    }
}

/// The menu's name: signing out on a shared workspace, switching members in a browser.
fn menu_name(shared: bool) -> &'static str {
    if shared {
        "Account"
    } else {
        "Switch member"
    }
}

crate::lazy_page! {
    /// The member menu's list, fetched when the menu is first opened.
    member_list in member_menu => |_| view! { <MemberList /> }.into_any()
}

/// The open menu: in browser mode the workspace's members to act as; on a shared workspace,
/// signing out.
#[component]
fn MemberList() -> impl IntoView {
    let store = use_store();
    let MenuState { open, button } = expect_context::<MenuState>();
    let shared = store.is_shared();
    let menu_name = menu_name(shared);
    let menu_ref = NodeRef::<leptos::html::Ul>::new();
    // On opening, the focus goes to the signed-in member; on closing, back to the button.
    let close = move || {
        open.set(false);
        if let Some(b) = button.get_untracked() {
            let _ = b.focus();
        }
    };
    let sign_out = move || {
        open.set(false);
        leptos::task::spawn_local(async move { store.sign_out().await });
    };
    Effect::new(move |_| {
        if let Some(menu) = menu_ref.get() {
            let checked = menu
                .query_selector("[aria-checked=true], [role=menuitem]")
                .ok()
                .flatten();
            if let Some(item) = checked.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = item.focus();
            }
        }
    });
    view! {
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <ul
                    class="menu"
                    role="menu"
                    aria-label=menu_name
                    node_ref=menu_ref
                    on:keydown=move |ev| {
                        let delta = match ev.key().as_str() {
                            "Escape" | "Tab" => return close(),
                            "ArrowDown" => 1,
                            "ArrowUp" => -1,
                            _ => return,
                        };
                        ev.prevent_default();
                        if let Some(menu) = menu_ref.get_untracked() {
                            move_focus(&menu, delta);
                        }
                    }
                >
                    {if shared {
                        view! {
                    <li role="presentation" class="menu__heading menu__heading--note">
                        "Signed in to a workspace shared on an Azimuth server, which checks what your role allows."
                    </li>
                    <li
                        role="menuitem"
                        tabindex="-1"
                        class="menu__item"
                        on:click=move |_| sign_out()
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                sign_out();
                            }
                        }
                    >
                        "Sign out"
                    </li>
                        }
                        .into_any()
                    } else {
                        view! {
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
                                        tabindex="-1"
                                        aria-checked=checked
                                        class="menu__item"
                                        on:click={
                                            let name = name.clone();
                                            move |_| {
                                                store.switch_member(&name);
                                                close();
                                            }
                                        }
                                        on:keydown={
                                            let name = name.clone();
                                            move |ev| {
                                                if ev.key() == "Enter" || ev.key() == " " {
                                                    // Else the key would go on to the button the
                                                    // focus returns to, and open the menu again.
                                                    ev.prevent_default();
                                                    store.switch_member(&name);
                                                    close();
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
                        }
                        .into_any()
                    }}
                </ul>
    }
}
