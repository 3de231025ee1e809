//! Widgets the pages share that thaw does not provide.

mod button;
mod code_view;
mod dialog;
mod format;
mod icons;
mod name_field;
mod picked;
mod props;
mod radio_card;
mod state_badge;
mod tab_link;
mod table;
mod tags_editor;
mod text_field;
mod uploads;
mod wizard_steps;
mod yaml_file;

pub use button::{Appearance, Button};
pub use code_view::CodeView;
pub use dialog::{guard_close, Dialog, DiscardPrompt, GuardedClose};
pub use format::{format_iso_time, format_price, format_time, format_usd};
pub use icons::{Icon, IconName};
pub use name_field::ComputeNameField;
pub use picked::{picked_files, Picked};
pub use props::{prop, prop_view};
pub use radio_card::radio_card;
pub use state_badge::{state_tone, StateBadge};
pub use tab_link::{query_tab, tab_link};
pub use table::{search_box, select_cell};
pub use tags_editor::{TagList, TagsEditor};
pub use text_field::TextField;
pub use uploads::{UploadList, UploadQueue};
pub use wizard_steps::WizardSteps;
pub use yaml_file::{file_text, ImportSummary, YamlFile};
