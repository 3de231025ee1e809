//! Samples: read-only notebooks that come with the studio (`/samples/notebooks/index.json`
//! lists them), opened to read, and cloned into the person's own folder (under a name free
//! there) to edit them.

use super::doc::NotebookDoc;
use super::notebook::NotebookView;
use super::tree::{show_file, Tree};
use super::DATASTORE;
use crate::components::{Appearance, Button, Icon, IconName};
use crate::store::{remote, use_store};
use azimuth_core::arm::json_de::FromValue;
use azimuth_core::notebooks::paths::{copy_name, join};
use azimuth_core::notebooks::{read_notebook, Notebook};
use leptos::prelude::*;
use serde::Deserialize;

/// A sample as `index.json` lists it.
#[derive(Clone, Debug, PartialEq, Deserialize, FromValue)]
pub struct Sample {
    /// Its file name in `/samples/notebooks/`.
    pub name: String,
    /// Its title.
    pub title: String,
    /// What it shows.
    #[serde(default)]
    pub description: String,
}

/// The samples' list.
async fn samples() -> Result<Vec<Sample>, String> {
    let text = remote::sample_file("index.json")
        .await
        .map_err(|e| e.message().to_owned())?;
    azimuth_core::arm::json_de::from_json(&text)
        .map_err(|_| "The list of samples could not be read.".to_owned())
}

/// Whether `name` is a sample's file name (no folders, no climbing out).
fn is_sample_name(name: &str) -> bool {
    !name.is_empty()
        && name.ends_with(".ipynb")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.contains("..")
}

/// The Samples section under the Files tree.
#[component]
pub fn SamplesPanel(
    /// The sample open in the page, if one is.
    open: Memo<Option<String>>,
) -> impl IntoView {
    let list = LocalResource::new(samples);
    view! {
        <section class="files samples" aria-labelledby="samples-title">
            <h2 id="samples-title">"Samples"</h2>
            <p class="muted files__where">"Read-only notebooks to start from; clone one to edit and run it."</p>
            {move || match list.get() {
                None => view! { <p class="muted">"Reading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="muted">{e}</p> }.into_any(),
                Some(Ok(samples)) => view! {
                    <ul class="samples__list" aria-label="Sample notebooks">
                        {samples.into_iter().map(|s| {
                            let href = crate::router::href(&format!("/notebooks?sample={}", s.name));
                            let name = s.name.clone();
                            let current = move || open.with(|o| o.as_deref() == Some(name.as_str())).then_some("page");
                            view! {
                                <li>
                                    <a class="samples__link" href=href aria-current=current>
                                        <Icon name=IconName::Notebook />
                                        <span>
                                            <span class="samples__title">{s.title}</span>
                                            <span class="samples__description muted">{s.description}</span>
                                        </span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// A sample open to read, with Clone.
#[component]
pub fn SampleView(
    /// Its file name.
    name: String,
) -> impl IntoView {
    let store = use_store();
    let tree = expect_context::<Tree>();
    let loaded = RwSignal::new(None::<Result<(Notebook, String, String), String>>);
    let owner = Owner::current();
    let file = StoredValue::new(name.clone());
    leptos::task::spawn_local(async move {
        let name = file.get_value();
        let answer = if !is_sample_name(&name) {
            Err(format!("There is no sample named {name}."))
        } else {
            let title = samples()
                .await
                .ok()
                .and_then(|l| l.into_iter().find(|s| s.name == name).map(|s| s.title))
                .unwrap_or_else(|| name.clone());
            match remote::sample_file(&name).await {
                Ok(text) => read_notebook(&name, &text)
                    .map(|nb| (nb, text, title))
                    .map_err(|e| e.message().to_owned()),
                Err(e) => Err(e.message().to_owned()),
            }
        };
        let _ = loaded.try_set(Some(answer));
    });
    let cloning = RwSignal::new(false);
    let clone = move |text: String| {
        cloning.set(true);
        leptos::task::spawn_local(async move {
            let home = store.open_notebooks_home(DATASTORE).await;
            let taken: Vec<String> = super::dialogs::names_in(store, &home).await;
            let path = join(&home, &copy_name(&file.get_value(), &taken));
            match store.create_text(DATASTORE, &path, &text).await {
                Ok(_) => {
                    store.notify(
                        false,
                        "Sample cloned",
                        format!("It is in your folder as {path}; edit it there."),
                    );
                    show_file(tree, &path);
                }
                Err(e) => store.notify(true, "Could not clone the sample", e.message().to_owned()),
            }
            let _ = cloning.try_set(false);
        });
    };
    let refusal =
        Signal::derive(move || store.refusal(azimuth_core::workspace::roles::Action::WriteData));
    move || match loaded.get() {
        None => view! { <p class="muted">"Opening…"</p> }.into_any(),
        Some(Err(e)) => {
            view! { <div class="message-bar message-bar--warning" role="alert">{e}</div> }
                .into_any()
        }
        Some(Ok((notebook, text, title))) => {
            let doc = match &owner {
                Some(o) => o.with(|| NotebookDoc::new(notebook)),
                None => NotebookDoc::new(notebook),
            };
            let home = tree.home.get_value();
            let text = StoredValue::new(text);
            view! {
                <header class="notebook__header">
                    <Icon name=IconName::Notebook />
                    <h2 class="notebook__title">{title}</h2>
                    <span class="muted notebook__path">{format!("Samples / {}", file.get_value())}</span>
                </header>
                <div class="message-bar notebook__banner notebook__banner--info" role="status">
                    <p>{format!("This sample is read-only. Clone it into your folder ({home}) to edit it.")}</p>
                    <div class="notebook__banner-actions">
                        <Button appearance=Appearance::Primary blocked=refusal disabled=Signal::derive(move || cloning.get()) on_click=move |_| clone(text.get_value())>
                            <Icon name=IconName::Copy />
                            "Clone"
                        </Button>
                    </div>
                </div>
                <NotebookView doc folder=String::new() read_only=true />
            }
            .into_any()
        }
    }
}
