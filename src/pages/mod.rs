//! The studio's pages, one file per URL, grouped by area.

pub mod automl;
pub mod compute;
pub mod data;
pub mod endpoints;
mod home;
pub mod jobs;
pub mod models;
mod not_found;
pub mod notebooks;
mod recovery;
mod sign_in;
pub mod workspaces;

pub use home::HomePage;
pub use not_found::{NotFoundMessage, NotFoundPage};
pub use recovery::RecoveryPage;
pub use sign_in::SignInPage;
