//! Notebooks: Jupyter's `.ipynb` files (nbformat 4, and 3 upgraded) read and written as
//! Jupyter does, Markdown made safe to show, syntax highlighting for the editor, terminal text
//! in outputs, and where a person's notebooks live in the workspace's
//! `workspaceworkingdirectory`. Pure: the studio reads and writes the files.

pub mod ansi;
pub mod display;
pub mod highlight;
mod highlight_data;
pub mod markdown;
pub mod model;
pub mod paths;
pub mod read;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_text;

pub use model::{append_output, Cell, CellType, Map, MimeBundle, Notebook, Output};
pub use read::{new_notebook, read_notebook, write_notebook};

/// The datastore that holds the workspace's notebooks and their files.
pub const DATASTORE: &str = "workspaceworkingdirectory";
/// The default kernel's kernelspec name.
pub const KERNEL_NAME: &str = "python310-sdkv2";
/// The default kernel's display name.
pub const KERNEL_DISPLAY_NAME: &str = "Python 3.10 - SDK v2";
