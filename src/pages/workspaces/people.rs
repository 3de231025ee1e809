//! /people: the installation's people, for its Owners: add one person or a whole class roster
//! (one name per line), hand out the one-time codes they set their password with, reset a
//! person (a new code; their password and sessions end) and remove them.

use crate::components::{Appearance, Button, TextField};
use crate::store::remote::PersonRow;
use crate::store::{download, use_session};
use leptos::prelude::*;

/// The codes just handed out, as CSV for a class list.
fn codes_csv(rows: &[PersonRow]) -> String {
    let mut out = String::from("name,user_name,one_time_code\n");
    for r in rows {
        // A cell a spreadsheet would read as a formula starts with a quote instead.
        let field = |s: &str| {
            let s = if s.starts_with(['=', '+', '-', '@']) {
                format!("'{s}")
            } else {
                s.to_owned()
            };
            format!("\"{}\"", s.replace('"', "\"\""))
        };
        out.push_str(&format!(
            "{},{},{}\n",
            field(&r.name),
            field(&r.user_name),
            field(r.code.as_deref().unwrap_or_default())
        ));
    }
    out
}

/// The People page.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let session = use_session();
    let rows = RwSignal::new(None::<Result<Vec<PersonRow>, String>>);
    let roster = RwSignal::new(String::new());
    let codes = RwSignal::new(Vec::<PersonRow>::new());
    let busy = RwSignal::new(false);
    // Why the last Add, Reset or Remove was refused, as the installation said it.
    let error = RwSignal::new(None::<String>);
    document().set_title("People · Azimuth");
    let load = move || {
        leptos::task::spawn_local(async move {
            let found = session.people().await;
            rows.set(Some(found.map_err(|e| e.message().to_owned())));
        });
    };
    load();
    let shared = session.is_shared();
    let add = move |_| {
        let names: Vec<String> = roster.get_untracked().lines().map(str::to_owned).collect();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match session.add_people(&names).await {
                Ok(added) => {
                    roster.set(String::new());
                    codes.set(added);
                    load();
                }
                Err(e) => error.set(Some(e.message().to_owned())),
            }
            busy.set(false);
        });
    };
    let may_manage = move || session.installation.with(|i| i.may_manage_people);
    view! {
        <main class="start" id="main">
            <p><a href="/workspaces" rel="external">"All workspaces"</a></p>
            <div class="start__head">
                <h1>"People"</h1>
                <p class="muted">
                    {if shared {
                        "Everyone who may sign in to this installation. Each person sets their own password with the one-time code you hand them; a role in a workspace (its Access control) decides what they see there."
                    } else {
                        "In this browser people are demo identities: anyone using the browser may act as any of them, without a password. A role in a workspace (its Access control) decides what each sees there."
                    }}
                </p>
            </div>
            <Show when=move || !may_manage()>
                <p role="alert">"Only an Owner of the subscription manages the installation's people."</p>
            </Show>
            <Show when=may_manage>
                <section class="card" aria-labelledby="add-people">
                    <h2 id="add-people">"Add people"</h2>
                    <TextField label="Names, one per line" id="roster" value=roster multiline=true
                        hint="A whole class roster at once: each name becomes a person with a sign-in name made from it (Grace Hopper: grace.hopper@azimuth.local). All are added, or none when a line is wrong." />
                    <Button appearance=Appearance::Primary disabled=Signal::derive(move || busy.get() || roster.with(|r| r.trim().is_empty())) on_click=add>"Add"</Button>
                </section>
                <p class="field__error" role="alert">{move || error.get().unwrap_or_default()}</p>
                <Show when=move || shared && !codes.with(Vec::is_empty)>
                    <section class="card" aria-labelledby="codes">
                        <h2 id="codes">"One-time codes to hand out"</h2>
                        <p class="muted">"Shown only now. Each person chooses \"Set your password\" on the sign-in page and gives their code; it works once, for 7 days."</p>
                        <table class="data-table" aria-label="One-time codes">
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Sign-in name"</th><th scope="col">"One-time code"</th></tr></thead>
                            <tbody>
                                {move || codes.get().into_iter().map(|r| view! {
                                    <tr><td>{r.name}</td><td>{r.user_name}</td><td><code>{r.code.unwrap_or_default()}</code></td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <button type="button" class="button" on:click=move |_| download("one-time-codes.csv", &codes_csv(&codes.get_untracked()), "text/csv")>"Download as CSV"</button>
                    </section>
                </Show>
                {move || match rows.get() {
                    None => view! { <p class="muted">"Loading people…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="field__error" role="alert">{e}</p> }.into_any(),
                    Some(Ok(list)) => view! { <PeopleTable rows=list on_change=Callback::new(move |_| load()) codes error /> }.into_any(),
                }}
            </Show>
        </main>
    }
}

/// The table of people.
#[component]
fn PeopleTable(
    /// The people.
    rows: Vec<PersonRow>,
    /// Runs after a change.
    on_change: Callback<()>,
    /// Where a reset's new code goes.
    codes: RwSignal<Vec<PersonRow>>,
    /// Where a refusal's message goes.
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let shared = session.is_shared();
    let me = session.member_name.get_untracked();
    view! {
        <table class="data-table" aria-label="People">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Sign-in name"</th>
                    {shared.then(|| view! { <th scope="col">"Password"</th> })}
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let state = match (r.has_password, r.code_waiting) {
                        (true, _) => "Set",
                        (false, true) => "Code handed out, not used yet",
                        (false, false) => "None: reset to hand out a code",
                    };
                    let (name, name2, name3) = (r.name.clone(), r.name.clone(), r.name.clone());
                    let user = r.user_name.clone();
                    let itself = r.name == me;
                    let reset = move |_| {
                        let (name, user) = (name.clone(), user.clone());
                        error.set(None);
                        leptos::task::spawn_local(async move {
                            match session.reset_person(&name).await {
                                Ok(code) => {
                                    codes.set(vec![PersonRow { name, user_name: user, has_password: false, code_waiting: true, code: Some(code) }]);
                                    on_change.run(());
                                }
                                Err(e) => error.set(Some(e.message().to_owned())),
                            }
                        });
                    };
                    let remove = move |_| {
                        let name = name2.clone();
                        error.set(None);
                        leptos::task::spawn_local(async move {
                            match session.remove_person(&name).await {
                                Ok(_) => on_change.run(()),
                                Err(e) => error.set(Some(e.message().to_owned())),
                            }
                        });
                    };
                    let yourself = Signal::derive(move || itself.then(|| "You cannot remove yourself.".to_owned()));
                    view! {
                        <tr>
                            <td>{r.name.clone()}</td>
                            <td>{r.user_name.clone()}</td>
                            {shared.then(|| view! { <td>{state}</td> })}
                            <td class="start__actions">
                                {shared.then(|| view! { <Button on_click=reset>{format!("Reset {name3}")}</Button> })}
                                <Button blocked=yourself on_click=remove>{format!("Remove {}", r.name)}</Button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
