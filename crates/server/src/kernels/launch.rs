//! Starting one kernel process: `python -m ipykernel_launcher -f <connection file>` in the job
//! sandbox, with a private folder (home, temporary files, IPython's and matplotlib's caches)
//! and the person's notebooks folder to work in, the five ports it listens on, and what a
//! notebook on an Azure ML compute instance finds: `MLFLOW_TRACKING_URI` (with a token), the
//! instance's managed identity (`MSI_ENDPOINT`, `MSI_SECRET`) and a `config.json` above its
//! folder (`MLClient.from_config()` looks in the folder it starts in and those above it).

use crate::jobs::sandbox::{Launch, Sandbox};
use jupyter_protocol::connection_info::Transport;
use jupyter_protocol::ConnectionInfo;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Child;

/// What one kernel is started with.
pub struct Start<'a> {
    /// Its private folder (made here; the sandbox lets it write there).
    pub folder: &'a Path,
    /// The person's notebooks folder, where it starts and may write.
    pub workdir: &'a Path,
    /// Where the notebook is, under `workdir` (it starts there, as Jupyter does).
    pub cwd: &'a Path,
    /// The workspace's tracking URI.
    pub tracking_uri: &'a str,
    /// The person's token for this kernel.
    pub token: &'a str,
    /// This server's base address (`http://host:port`).
    pub base: &'a str,
    /// `config.json`'s content, and where it goes: `.azureml/config.json` at the top of the
    /// notebooks' file share, above every person's folder and outside the Files tree.
    pub config: (&'a serde_json::Value, &'a Path),
    /// More variables (the instance's `CI_NAME` and the like).
    pub more_env: Vec<(String, String)>,
    /// CPU seconds the kernel may use in all.
    pub cpu_seconds: u64,
}

/// Run by the kernel's Python at start (`PYTHONPATH`): azure-core refuses to send a bearer
/// token over plain http, and this server is reached over loopback http, so its check lets
/// loopback addresses through (every other address is checked as before).
const SITE: &str = r#"
def _azimuth_loopback_tokens():
    try:
        from azure.core.pipeline.policies import _authentication as auth
    except Exception:
        return
    from urllib.parse import urlparse
    checked = auth._enforce_https

    def enforce_https(request):
        if urlparse(request.http_request.url).hostname in ("127.0.0.1", "localhost", "::1"):
            request.context.options.pop("enforce_https", None)
            return
        checked(request)

    auth._enforce_https = enforce_https


_azimuth_loopback_tokens()
"#;

/// Free loopback ports for the kernel's five sockets, held until the kernel is about to bind
/// them.
async fn ports() -> Result<(Vec<u16>, Vec<tokio::net::TcpListener>), String> {
    jupyter_zmq_client::peek_ports_with_listeners(IpAddr::V4(Ipv4Addr::LOCALHOST), 5)
        .await
        .map_err(|e| format!("no free ports for the kernel ({e})"))
}

/// A random key for the messages' signatures.
fn key() -> String {
    let mut bytes = [0u8; 32];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes what a process of `how` needs before it starts: its private folders, its working
/// folders, `config.json` and the `sitecustomize.py` on its `PYTHONPATH`.
pub fn prepare(how: &Start<'_>) -> Result<(), String> {
    let made = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|e| format!("cannot make {} ({e})", p.display()))
    };
    for sub in ["home", "tmp", "ipython", "matplotlib", "runtime", "site"] {
        made(&how.folder.join(sub))?;
    }
    made(how.workdir)?;
    made(how.cwd)?;
    let (config, config_file) = how.config;
    if let Some(folder) = config_file.parent() {
        made(folder)?;
    }
    let config = serde_json::to_vec_pretty(config).map_err(|e| e.to_string())?;
    std::fs::write(config_file, config).map_err(|e| format!("cannot write config.json ({e})"))?;
    std::fs::write(how.folder.join("site/sitecustomize.py"), SITE)
        .map_err(|e| format!("cannot write sitecustomize.py ({e})"))
}

/// Starts the kernel; answers the process and how to reach it.
pub async fn start(sandbox: &Sandbox, how: &Start<'_>) -> Result<(Child, ConnectionInfo), String> {
    prepare(how)?;
    let (ports, listeners) = ports().await?;
    let info = ConnectionInfo {
        transport: Transport::TCP,
        ip: "127.0.0.1".into(),
        stdin_port: ports[0],
        control_port: ports[1],
        hb_port: ports[2],
        shell_port: ports[3],
        iopub_port: ports[4],
        signature_scheme: "hmac-sha256".into(),
        key: key(),
        kernel_name: Some("python3".into()),
    };
    let connection = how.folder.join("runtime/kernel.json");
    std::fs::write(
        &connection,
        serde_json::to_vec(&info).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("cannot write the connection file ({e})"))?;
    let log = std::fs::File::create(how.folder.join("kernel.log"))
        .map_err(|e| format!("cannot open the kernel's log ({e})"))?;
    let command = format!(
        "exec '{}' -m ipykernel_launcher -f '{}'",
        sandbox.python.display(),
        connection.display()
    );
    let launch = Launch {
        command: &command,
        folder: how.folder,
        cwd: how.cwd,
        env: environment(sandbox, how),
        reads: vec![how.config.1.to_path_buf()],
        writes: vec![how.workdir.to_path_buf()],
        binds: ports,
        cpu_seconds: Some(how.cpu_seconds),
        log,
    };
    drop(listeners);
    let child = sandbox
        .spawn(launch)
        .map_err(|e| format!("the kernel could not start ({e})"))?;
    Ok((child, info))
}

/// The environment of a kernel (or of JupyterLab, whose kernels inherit it): nothing of the
/// server's.
pub fn environment(sandbox: &Sandbox, how: &Start<'_>) -> Vec<(String, String)> {
    let python_bin = sandbox
        .python
        .parent()
        .map_or_else(|| PathBuf::from("/usr/bin"), Path::to_path_buf);
    let at = |sub: &str| how.folder.join(sub).display().to_string();
    let mut env: Vec<(String, String)> = [
        (
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", python_bin.display()),
        ),
        ("HOME", at("home")),
        ("TMPDIR", at("tmp")),
        ("IPYTHONDIR", at("ipython")),
        ("MPLCONFIGDIR", at("matplotlib")),
        ("JUPYTER_RUNTIME_DIR", at("runtime")),
        ("LANG", "C.UTF-8".into()),
        ("PYTHONUNBUFFERED", "1".into()),
        ("MLFLOW_TRACKING_URI", how.tracking_uri.to_owned()),
        ("MLFLOW_TRACKING_TOKEN", how.token.to_owned()),
        ("MSI_ENDPOINT", format!("{}/api/kernels/identity", how.base)),
        ("MSI_SECRET", how.token.to_owned()),
        // azure-ai-ml reads this installation as its cloud, so `MLClient` talks to this server.
        (
            "ARM_CLOUD_METADATA_URL",
            format!("{}/metadata/endpoints?api-version=2019-05-01", how.base),
        ),
        ("PYTHONPATH", at("site")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    env.extend(how.more_env.iter().cloned());
    env
}
