//! The sign-in page of a shared installation: pick who you are (and give the access key when
//! the server asks for one). The server checks every request against the person's roles.

use crate::store::remote::{self, SignInOptions};
use crate::store::{load_preference, save_preference, Preference};
use leptos::prelude::*;

/// The sign-in page. Signing in saves the session and reloads, so the studio opens at the
/// address the person asked for.
#[component]
pub fn SignInPage() -> impl IntoView {
    let options = RwSignal::new(None::<Result<SignInOptions, String>>);
    let chosen = RwSignal::new(load_preference(Preference::Member).unwrap_or_default());
    let access_key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let found = remote::sign_in_options().await;
        options.set(Some(found.map_err(|e| e.message().to_owned())));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let member = chosen.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match remote::sign_in(&member, &access_key.get_untracked()).await {
                Ok(token) => {
                    save_preference(Preference::Session, &token);
                    save_preference(Preference::Member, &member);
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
                <p class="muted">
                    "These workspaces are shared on an Azimuth server. Choose who you are; the server checks what your roles allow in each workspace."
                </p>
                <p class="field__error" role="alert">
                    {move || options.with(|o| match o {
                        Some(Err(e)) => format!("{e} Reload the page to try again."),
                        _ => String::new(),
                    })}
                </p>
                <div class="field">
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
                </div>
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
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
