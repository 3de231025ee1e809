//! Automated ML (Authoring): the AutoML jobs of the workspace, and "Submit an Automated ML job",
//! the studio's wizard, which submits the ARM body Azure takes (`jobType: AutoML`).

mod create;
mod data;
mod featurization;
mod form;
mod list;
mod settings;
mod validate;

pub use create::NewAutomlJobPage;
pub use list::AutomlPage;
