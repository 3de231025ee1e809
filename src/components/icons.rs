//! The studio's icons: small inline SVGs (20×20, stroked), hidden from assistive technology
//! because every icon sits beside a text or accessible name.

use leptos::prelude::*;

/// The icons the studio draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    /// ☰
    Menu,
    /// A house.
    Home,
    /// A server.
    Compute,
    /// A gear.
    Settings,
    /// +
    Add,
    /// A circular arrow.
    Refresh,
    /// ▶
    Play,
    /// ■
    Stop,
    /// Two arrows in a circle.
    Restart,
    /// A bin.
    Delete,
    /// A tick in a circle.
    Success,
    /// A cross in a circle.
    Error,
    /// A stop sign in a circle.
    Stopped,
    /// A magnifier.
    Search,
    /// Two sheets.
    Copy,
    /// An arrow into a tray.
    Download,
    /// ✕
    Dismiss,
    /// A person.
    Person,
    /// A clock.
    Clock,
    /// An i in a circle.
    Info,
    /// A chevron pointing right.
    ChevronRight,
    /// An arrow out of a tray.
    Upload,
    /// A folder.
    Folder,
    /// A cylinder (data).
    Data,
    /// A flask (jobs and experiments).
    Jobs,
    /// Automated ML: a spark over a bar chart.
    Automl,
    /// A cube (models).
    Models,
    /// A globe with an arrow out (endpoints).
    Endpoints,
    /// A notebook: a page with lines and a binding.
    Notebook,
    /// A floppy disk (save).
    Save,
    /// A page with a folded corner (a file).
    File,
    /// Three dots (more actions).
    More,
    /// A folder with an arrow up (upload a folder).
    FolderUpload,
    /// A folder with a plus (new folder).
    FolderAdd,
}

fn path(name: IconName) -> &'static str {
    use IconName::*;
    match name {
        Menu => "M3 5h14M3 10h14M3 15h14",
        Home => "M3 9.5 10 3l7 6.5M5 8v9h4v-5h2v5h4V8",
        Compute => "M3 3.5h14v5H3zM3 11.5h14v5H3zM6 6h1M6 14h1",
        Settings => "M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM10 1.5v2.5M10 16v2.5M1.5 10H4M16 10h2.5M4 4l1.8 1.8M14.2 14.2 16 16M4 16l1.8-1.8M14.2 5.8 16 4",
        Add => "M10 3v14M3 10h14",
        Refresh => "M16 10a6 6 0 1 1-1.8-4.3M16 3v3.5h-3.5",
        Play => "M6 4l10 6-10 6z",
        Stop => "M5 5h10v10H5z",
        Restart => "M4 10a6 6 0 0 1 10.3-4.2M16 10a6 6 0 0 1-10.3 4.2M14.5 2.5v3.5H11M5.5 17.5V14H9",
        Delete => "M4 5.5h12M8 5.5V3.5h4v2M5.5 5.5l.8 11h7.4l.8-11M8.5 8.5v5M11.5 8.5v5",
        Success => "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM6.5 10.2l2.3 2.3 4.7-4.7",
        Error => "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM7.2 7.2l5.6 5.6M12.8 7.2l-5.6 5.6",
        Stopped => "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM7.5 7.5h5v5h-5z",
        Search => "M8.5 3a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM12.5 12.5 17 17",
        Copy => "M7 7h9v10H7zM4 13V3h9",
        Download => "M10 3v9M6 8.5l4 4 4-4M4 16.5h12",
        Dismiss => "M5 5l10 10M15 5 5 15",
        Person => "M10 3a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7zM3.5 17.5c.8-3.3 3.3-5 6.5-5s5.7 1.7 6.5 5",
        Clock => "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM10 5.5V10l3 2",
        Info => "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM10 9v5M10 6v.5",
        ChevronRight => "M8 5l5 5-5 5",
        Upload => "M10 13V4M6 7.5l4-4 4 4M4 16.5h12",
        Folder => "M2.5 5.5v10h15v-8h-7l-2-2z",
        Data => "M4 4.5c0-1.4 12-1.4 12 0v11c0 1.4-12 1.4-12 0zM4 4.5c0 1.4 12 1.4 12 0M4 10c0 1.4 12 1.4 12 0",
        Jobs => "M7.5 2.5h5M8.5 2.5v5L3.5 16.5h13l-5-9v-5M6 12h8",
        Automl => "M3 17h14M5 17v-5M9 17V9M13 17v-7M14.5 2.5l.8 1.7 1.7.8-1.7.8-.8 1.7-.8-1.7-1.7-.8 1.7-.8z",
        Models => "M10 2.5 16.5 6v8L10 17.5 3.5 14V6zM3.5 6 10 9.5 16.5 6M10 9.5v8",
        Endpoints => "M10 3a7 7 0 1 0 7 7M3 10h14M10 3c-2 2-3 4.5-3 7s1 5 3 7c2-2 3-4.5 3-7M13 3h4v4M17 3l-5 5",
        Notebook => "M5 2.5h10.5v15H5zM7.5 2.5v15M3.5 5.5h3M3.5 10h3M3.5 14.5h3M10 6.5h3.5M10 9.5h3.5",
        Save => "M3.5 3.5h10l3 3v10h-13zM6.5 3.5v4h6v-4M6 16.5v-5h8v5",
        File => "M5 2.5h6.5l3.5 3.5v11.5H5zM11.5 2.5V6H15",
        More => "M4.5 10h.01M10 10h.01M15.5 10h.01",
        FolderUpload => "M2.5 5.5v10h15v-8h-7l-2-2zM10 14.5v-5M7.8 11.7 10 9.5l2.2 2.2",
        FolderAdd => "M2.5 5.5v10h15v-8h-7l-2-2zM10 9.5v5M7.5 12h5",
    }
}

/// An icon, decorative.
#[component]
pub fn Icon(
    /// Which icon.
    name: IconName,
) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
            <path d=path(name) />
        </svg>
    }
}
