//! Runs azimuth-server.

use azimuth_server::config::{Config, USAGE};
use azimuth_server::state::AppState;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    let config = match Config::from_args(args, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("azimuth-server: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let addr = config.addr;
    let state = match AppState::open(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("azimuth-server: {e}");
            std::process::exit(1);
        }
    };
    state.spawn_ticker();
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("azimuth-server: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    if let Some(apps) = state.kernels.as_ref().and_then(|k| k.take_apps_listener()) {
        let router = azimuth_server::apps_app(std::sync::Arc::clone(&state));
        let listener = apps
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(apps));
        match listener {
            Ok(listener) => {
                tokio::spawn(async move { axum::serve(listener, router).await });
            }
            Err(e) => {
                eprintln!("azimuth-server: cannot serve the instances' applications: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("azimuth-server: serving http://{addr}/");
    match state.first_owner_code() {
        Ok(Some((name, code))) => println!(
            "azimuth-server: {name} is the installation's Owner and has no password yet. Sign in at http://{addr}/ with \"Set your password\" and the one-time code {code} (valid 7 days)."
        ),
        Ok(None) => {}
        Err(e) => eprintln!("azimuth-server: {e}"),
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(
        listener,
        azimuth_server::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    {
        eprintln!("azimuth-server: {e}");
        std::process::exit(1);
    }
}
