//! The sign-in page of a shared installation: pick who you are (and give the access key when
//! the server asks for one). The server checks every request against the person's roles.

use crate::store::remote::{self, SignInOptions};
use crate::store::{forget_preference, load_preference, save_preference, Preference};
use leptos::prelude::*;

/// The sign-in page. Signing in saves the session and reloads, so the studio opens at the
/// address the person asked for.
#[component]
pub fn SignInPage() -> impl IntoView {
    let options = RwSignal::new(None::<Result<SignInOptions, String>>);
    let chosen = RwSignal::new(load_preference(Preference::Member).unwrap_or_default());
    let access_key = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    // "Set your password" with a one-time code instead of signing in with one.
    let setting = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let notice = load_preference(Preference::SignInNotice);
    forget_preference(Preference::SignInNotice);
    leptos::task::spawn_local(async move {
        let found = remote::sign_in_options().await;
        options.set(Some(found.map_err(|e| e.message().to_owned())));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let member = chosen.get_untracked();
        if setting.get_untracked() && new_password.get_untracked() != confirm.get_untracked() {
            error.set(Some(
                "The two new passwords differ: type the same one twice.".into(),
            ));
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let secret = if setting.get_untracked() {
                let chosen_password = new_password.get_untracked();
                if let Err(e) =
                    remote::set_password(&member, &code.get_untracked(), &chosen_password).await
                {
                    busy.set(false);
                    error.set(Some(e.message().to_owned()));
                    return;
                }
                chosen_password
            } else {
                password.get_untracked()
            };
            match remote::sign_in(&member, &access_key.get_untracked(), &secret).await {
                Ok((token, name)) => {
                    save_preference(Preference::Session, &token);
                    save_preference(Preference::Member, &name);
                    let _ = window().location().reload();
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.message().to_owned()));
                }
            }
        });
    };
    let loaded = move |f: &dyn Fn(&SignInOptions) -> bool| {
        options.with(|o| matches!(o, Some(Ok(o)) if f(o)))
    };
    let passwords = move || loaded(&|o| o.mode == "password");
    let members = move || {
        options.with(|o| match o {
            Some(Ok(o)) => o
                .members
                .iter()
                .map(|m| {
                    let label = format!("{} ({})", m.name, m.user_name);
                    let name = m.name.clone();
                    let selected = chosen.with_untracked(|c| *c == name);
                    view! { <option value=name selected=selected>{label}</option> }
                })
                .collect_view(),
            _ => Vec::new(),
        })
    };
    view! {
        <main class="sign-in" id="main">
            <form class="sign-in__card" on:submit=submit>
                <h1>
                    {move || options.with(|o| match o {
                        Some(Ok(o)) => format!("Sign in to {}", o.installation),
                        _ => "Sign in".to_owned(),
                    })}
                </h1>
                {notice.map(|n| view! { <p class="message-bar message-bar--warning" role="status">{n}</p> })}
                <p class="muted">
                    {move || if passwords() {
                        "These workspaces are shared on an Azimuth server. Sign in with your own password; the server checks what your roles allow in each workspace."
                    } else {
                        "These workspaces are shared on an Azimuth server in demo mode: choose who you are; the server checks what your roles allow in each workspace."
                    }}
                </p>
                <p class="field__error" role="alert">
                    {move || options.with(|o| match o {
                        Some(Err(e)) => format!("{e} Reload the page to try again."),
                        _ => String::new(),
                    })}
                </p>
                <div class="field">
                    <Show
                        when=passwords
                        fallback=move || view! {
                            <label class="field__label" for="member">"Person"</label>
                            <select
                                id="member"
                                class="field__input"
                                required
                                autofocus
                                on:change=move |ev| chosen.set(event_target_value(&ev))
                            >
                                <option value="">"Choose who you are"</option>
                                {members}
                            </select>
                        }
                    >
                        <label class="field__label" for="member">"Name or sign-in name"</label>
                        <input
                            id="member"
                            class="field__input"
                            required
                            autofocus
                            autocomplete="username"
                            prop:value=move || chosen.get()
                            on:input=move |ev| chosen.set(event_target_value(&ev))
                        />
                    </Show>
                </div>
                <Show when=move || passwords() && !setting.get()>
                    <div class="field">
                        <label class="field__label" for="password">"Password"</label>
                        <input id="password" class="field__input" type="password" required autocomplete="current-password"
                            on:input=move |ev| password.set(event_target_value(&ev)) />
                        <p class="field__hint">
                            "First time here, or reset by an Owner? "
                            <button type="button" class="link-button" on:click=move |_| { setting.set(true); error.set(None); }>"Set your password"</button>
                            " with the one-time code you were given."
                        </p>
                    </div>
                </Show>
                <Show when=move || passwords() && setting.get()>
                    <div class="field">
                        <label class="field__label" for="code">"One-time code"</label>
                        <input id="code" class="field__input" required autocomplete="one-time-code" placeholder="ABCDE-FGHJK"
                            on:input=move |ev| code.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label class="field__label" for="new-password">"New password"</label>
                        <input id="new-password" class="field__input" type="password" required minlength="8" autocomplete="new-password"
                            on:input=move |ev| new_password.set(event_target_value(&ev)) />
                        <p class="field__hint">"At least 8 characters; only you know it."</p>
                    </div>
                    <div class="field">
                        <label class="field__label" for="confirm-password">"Confirm new password"</label>
                        <input id="confirm-password" class="field__input" type="password" required autocomplete="new-password"
                            on:input=move |ev| confirm.set(event_target_value(&ev)) />
                    </div>
                    <p class="field__hint">
                        <button type="button" class="link-button" on:click=move |_| { setting.set(false); error.set(None); }>"Sign in with your password instead"</button>
                    </p>
                </Show>
                <Show when=move || loaded(&|o| o.access_key_required)>
                    <div class="field">
                        <label class="field__label" for="access-key">"Access key"</label>
                        <input
                            id="access-key"
                            class="field__input"
                            type="password"
                            required
                            autocomplete="current-password"
                            on:input=move |ev| access_key.set(event_target_value(&ev))
                        />
                        <p class="field__hint">"The person who runs this workspace gives it to the class or team."</p>
                    </div>
                </Show>
                <p class="field__error" role="alert">{move || error.get().unwrap_or_default()}</p>
                <button
                    type="submit"
                    class="button button--primary"
                    disabled=move || busy.get() || !loaded(&|_| true)
                >
                    {move || match (busy.get(), setting.get()) {
                        (true, _) => "Signing in…",
                        (false, true) => "Set password and sign in",
                        (false, false) => "Sign in",
                    }}
                </button>
            </form>
        </main>
    }
}
