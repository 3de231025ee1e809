//! The Endpoints page's Batch endpoints tab (`/endpoints/batch`): the batch endpoints, the
//! wizard that creates one with its first deployment (`/endpoints/batch/create`), and a batch
//! endpoint's page (`/endpoints/batch/{name}`) with its Details, Jobs and CLI YAML.

mod create;
mod details;
mod form;
mod jobs;
mod list;
mod page;
mod run_job;
mod steps;

pub use list::BatchEndpointsPage;
pub use page::BatchEndpointPage;

/// The address of a batch endpoint's page (a tab of it when `tab` is not empty).
pub fn batch_endpoint_href(name: &str, tab: &str) -> String {
    let tab = match tab {
        "" => String::new(),
        t => format!("?tab={t}"),
    };
    crate::router::href(&format!("/endpoints/batch/{name}{tab}"))
}

/// An output action in the studio's words.
pub fn output_action_label(action: &str) -> &str {
    match action {
        "AppendRow" => "Append row",
        "SummaryOnly" => "Summary only",
        other => other,
    }
}

/// A compute's name from its ARM id (`.../computes/{name}`), or the text as it is.
pub fn compute_name(id: &str) -> &str {
    id.rsplit_once("/computes/").map_or(id, |(_, name)| name)
}
