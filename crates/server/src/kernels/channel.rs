//! Talking to one running kernel over the Jupyter protocol (ZeroMQ, `jupyter-zmq-client`):
//! its shell socket for requests and replies, and its IOPub socket, read by a task of its own
//! and fanned out, for what a cell prints and shows while it runs.

use jupyter_protocol::{
    ConnectionInfo, ExecuteRequest, ExecutionState, JupyterMessage, JupyterMessageContent,
    KernelInfoRequest, ReplyStatus,
};
use jupyter_zmq_client::ClientShellConnection;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::broadcast;

/// The sockets of one kernel process.
pub struct Channel {
    shell: ClientShellConnection,
    iopub: broadcast::Sender<JupyterMessage>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// How a cell ended.
pub struct Finished {
    /// `ok`, `error` or `aborted` (Jupyter's reply status).
    pub status: &'static str,
    /// The kernel's execution count for it.
    pub execution_count: usize,
}

/// What `execute` could not do.
pub enum Broken {
    /// The kernel stopped answering (it died, or was restarted or shut down).
    Died,
    /// The cell ran past the allowed time and was interrupted; `settled` when it then ended, so
    /// the kernel is ready for the next cell.
    TimedOut { settled: bool },
}

/// How long a cell interrupted at its time limit has to end before it is given up on.
const GRACE: Duration = Duration::from_secs(10);

fn failed(e: impl std::fmt::Display) -> String {
    format!("the kernel's sockets failed ({e})")
}

impl Channel {
    /// Connects to a kernel that was given `info`, and waits (up to `patience`) until it answers
    /// a `kernel_info_request`, which it does once it has started.
    pub async fn connect(info: &ConnectionInfo, patience: Duration) -> Result<Self, String> {
        let session = uuid_like();
        let mut iopub_socket =
            jupyter_zmq_client::create_client_iopub_connection(info, "", &session)
                .await
                .map_err(failed)?;
        let identity = jupyter_zmq_client::peer_identity_for_session(&session).map_err(failed)?;
        let shell = jupyter_zmq_client::create_client_shell_connection_with_identity(
            info, &session, identity,
        )
        .await
        .map_err(failed)?;
        let (iopub, _) = broadcast::channel(1024);
        let sender = iopub.clone();
        let reader = tokio::spawn(async move {
            while let Ok(message) = iopub_socket.read().await {
                let _ = sender.send(message);
            }
        });
        let mut channel = Channel {
            shell,
            iopub,
            reader,
        };
        // A kernel that has not bound its sockets yet drops what is sent; ask until it answers.
        let started = tokio::time::Instant::now();
        loop {
            let ask: JupyterMessage = KernelInfoRequest {}.into();
            channel.shell.send(ask).await.map_err(failed)?;
            match tokio::time::timeout(Duration::from_millis(500), channel.shell.read()).await {
                Ok(Ok(reply))
                    if matches!(reply.content, JupyterMessageContent::KernelInfoReply(_)) =>
                {
                    return Ok(channel)
                }
                Ok(Err(e)) => return Err(failed(e)),
                _ if started.elapsed() > patience => {
                    return Err(format!(
                        "the kernel did not answer within {} s of starting",
                        patience.as_secs()
                    ))
                }
                _ => {}
            }
        }
    }

    /// Runs `code`, handing each output (as nbformat writes it) to `out` as it comes, until the
    /// kernel is idle again; `alive` is asked every half second whether the process still runs.
    /// At `limit` the cell is interrupted (`interrupt`) and waited for a little longer, so that a
    /// request sent after it is not aborted as one queued behind an error.
    pub async fn execute(
        &mut self,
        code: &str,
        limit: Duration,
        mut alive: impl FnMut() -> bool,
        interrupt: impl FnOnce(),
        mut out: impl FnMut(Value),
    ) -> Result<Finished, Broken> {
        let mut iopub = self.iopub.subscribe();
        let request: JupyterMessage = ExecuteRequest::new(code.to_owned()).into();
        let id = request.header.msg_id.clone();
        self.shell.send(request).await.map_err(|_| Broken::Died)?;
        let mut deadline = tokio::time::Instant::now() + limit;
        let mut interrupt = Some(interrupt);
        let mut idle = false;
        while !idle {
            let next = tokio::time::timeout(Duration::from_millis(500), iopub.recv()).await;
            if tokio::time::Instant::now() > deadline {
                let Some(interrupt) = interrupt.take() else {
                    return Err(Broken::TimedOut { settled: false });
                };
                interrupt();
                deadline = tokio::time::Instant::now() + GRACE;
            }
            let message = match next {
                Ok(Ok(message)) => message,
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => continue,
                Ok(Err(broadcast::error::RecvError::Closed)) => return Err(Broken::Died),
                Err(_) if alive() => continue,
                Err(_) => return Err(Broken::Died),
            };
            if message.parent_header.as_ref().map(|h| h.msg_id.as_str()) != Some(id.as_str()) {
                continue;
            }
            let timed_out = interrupt.is_none();
            match &message.content {
                JupyterMessageContent::Status(status) => {
                    idle = status.execution_state == ExecutionState::Idle;
                }
                // The KeyboardInterrupt of the time limit: the caller says what happened.
                JupyterMessageContent::ErrorOutput(_) if timed_out => {}
                content => {
                    if let Some(output) = as_output(content) {
                        out(output);
                    }
                }
            }
        }
        // The reply follows on the shell socket (already sent when the kernel went idle).
        loop {
            let reply = tokio::time::timeout(Duration::from_secs(5), self.shell.read())
                .await
                .map_err(|_| Broken::Died)?
                .map_err(|_| Broken::Died)?;
            if reply.parent_header.as_ref().map(|h| h.msg_id.as_str()) != Some(id.as_str()) {
                continue;
            }
            if interrupt.is_none() {
                return Err(Broken::TimedOut { settled: true });
            }
            if let JupyterMessageContent::ExecuteReply(reply) = reply.content {
                let status = match reply.status {
                    ReplyStatus::Ok => "ok",
                    ReplyStatus::Error => "error",
                    ReplyStatus::Aborted => "aborted",
                };
                return Ok(Finished {
                    status,
                    execution_count: reply.execution_count.0,
                });
            }
        }
    }
}

/// An IOPub message as the output nbformat keeps (or `clear_output`, which the studio obeys);
/// `None` for what is not an output (the echo of the code, status).
pub fn as_output(content: &JupyterMessageContent) -> Option<Value> {
    let kind = match content {
        JupyterMessageContent::StreamContent(_) => "stream",
        JupyterMessageContent::DisplayData(_) => "display_data",
        JupyterMessageContent::UpdateDisplayData(_) => "update_display_data",
        JupyterMessageContent::ExecuteResult(_) => "execute_result",
        JupyterMessageContent::ErrorOutput(_) => "error",
        JupyterMessageContent::ClearOutput(_) => "clear_output",
        _ => return None,
    };
    let mut value = serde_json::to_value(content).ok()?;
    let object = value.as_object_mut()?;
    // `transient` (display ids) is the live session's, not the notebook's.
    object.remove("transient");
    object.insert("output_type".into(), json!(kind));
    Some(value)
}

/// A random id for a Jupyter session.
fn uuid_like() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
