//! The box a job's command runs in. Each command is `/bin/sh -c` in a process group of its own
//! (so Cancel and a timeout end all of it), with a cleared environment, and, before it starts:
//! - Landlock (the kernel's own sandbox for unprivileged processes; the `landlock` crate) lets
//!   it read the system's folders and the configured Python, read its inputs, write only its
//!   own job folder, connect by TCP only to this server's port, and signal nothing outside it:
//!   the server's database, files and other jobs' folders are out of its reach;
//! - resource limits bound its memory (address space), CPU time and core files;
//! - it dies with the thread that started it (`PR_SET_PDEATHSIG`), so a server that is killed
//!   takes its jobs with it, and the rest of its group is ended at the next start
//!   ([`end_leftovers`], by the marker each job's environment carries).

use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, NetPort, Ruleset, RulesetAttr, RulesetCreated,
    RulesetCreatedAttr, Scope, ABI,
};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The Landlock ABI asked for: 6 adds the scoping of signals and abstract sockets; older
/// kernels enforce what they can (the job page says how much).
const ABI_WANTED: ABI = ABI::V6;
/// The variable that marks a job's processes with its folder.
pub const MARKER: &str = "AZIMUTH_JOB_FOLDER";
/// Folders every command may read and run from (those missing are skipped).
const SYSTEM: [&str; 8] = [
    "/usr",
    "/bin",
    "/lib",
    "/lib64",
    "/etc",
    "/proc",
    "/dev",
    "/sys/devices/system/cpu",
];

/// How commands are boxed on this server.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The Python commands find first on their PATH.
    pub python: PathBuf,
    /// Folders of that Python (prefixes, the interpreter's own).
    python_folders: Vec<PathBuf>,
    /// The server's port: the only one a command may connect to.
    pub port: u16,
    /// The most memory a command may map, in bytes.
    pub memory_bytes: u64,
}

/// What one command needs.
pub struct Launch<'a> {
    /// The shell command.
    pub command: &'a str,
    /// Its job folder (read and written).
    pub folder: &'a Path,
    /// Where it starts.
    pub cwd: &'a Path,
    /// Its environment (nothing else is inherited).
    pub env: Vec<(String, String)>,
    /// Files and folders it may read (its inputs).
    pub reads: Vec<PathBuf>,
    /// CPU seconds it may use, if bounded.
    pub cpu_seconds: Option<u64>,
    /// Where its standard output and error go.
    pub log: std::fs::File,
}

impl Sandbox {
    /// Finds `python` (a name on PATH or a path) and the folders it needs.
    pub fn new(python: &str, port: u16, memory_mb: u64) -> Result<Self, String> {
        let out = Command::new(python)
            .args(["-c", "import sys\nfor p in (sys.executable, sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix): print(p)"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("--job-python {python} cannot be started: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "--job-python {python} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines().map(PathBuf::from);
        // Kept as Python names itself (a virtual environment's `bin/python` is a link to the
        // interpreter it was made from, and only through the link are its packages found).
        let executable = lines.next().ok_or("Python did not name itself")?;
        let mut python_folders: Vec<PathBuf> = lines.collect();
        if let Some(dir) = executable.parent() {
            python_folders.push(dir.to_path_buf());
        }
        Ok(Self {
            python: executable,
            python_folders,
            port,
            memory_bytes: memory_mb.saturating_mul(1 << 20),
        })
    }

    /// The rules of one command's box, made before it forks.
    fn ruleset(&self, launch: &Launch<'_>) -> Result<RulesetCreated, landlock::RulesetError> {
        let abi = ABI_WANTED;
        let read = AccessFs::from_read(abi);
        let reads = SYSTEM
            .iter()
            .map(PathBuf::from)
            .chain(self.python_folders.iter().cloned())
            .chain(launch.reads.iter().cloned());
        Ruleset::default()
            .handle_access(AccessFs::from_all(abi))?
            .handle_access(AccessNet::from_all(abi))?
            .scope(Scope::from_all(abi))?
            .create()?
            .add_rules(path_beneath_rules(reads, read))?
            .add_rules(path_beneath_rules(
                ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"],
                AccessFs::from_all(abi),
            ))?
            .add_rules(path_beneath_rules([launch.folder], AccessFs::from_all(abi)))?
            .add_rule(NetPort::new(self.port, AccessNet::ConnectTcp))
    }

    /// Starts a command in its box.
    pub fn spawn(&self, launch: Launch<'_>) -> std::io::Result<Child> {
        let mut ruleset = Some(self.ruleset(&launch).map_err(std::io::Error::other)?);
        let memory = self.memory_bytes;
        let cpu = launch.cpu_seconds;
        let parent = std::process::id() as libc::pid_t;
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(launch.command)
            .current_dir(launch.cwd)
            .env_clear()
            .envs(launch.env)
            .env(MARKER, launch.folder)
            .stdin(Stdio::null())
            .stdout(launch.log.try_clone()?)
            .stderr(launch.log);
        // SAFETY: between fork and exec only async-signal-safe calls are made (setsid, prctl,
        // getppid, setrlimit, and Landlock's own system calls on a ruleset built before fork).
        unsafe {
            command.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if libc::getppid() != parent {
                    // The server died while this was forking.
                    libc::_exit(137);
                }
                limit(libc::RLIMIT_CORE, 0)?;
                if memory > 0 {
                    limit(libc::RLIMIT_AS, memory)?;
                }
                if let Some(seconds) = cpu {
                    limit(libc::RLIMIT_CPU, seconds)?;
                }
                if let Some(rules) = ruleset.take() {
                    rules
                        .restrict_self()
                        .map_err(|_| std::io::Error::from_raw_os_error(libc::EPERM))?;
                }
                Ok(())
            });
        }
        command.spawn()
    }
}

fn limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit reads the struct it is given and nothing else.
    if unsafe { libc::setrlimit(resource, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Sends `signal` to every process of the group `group` (a job's command and its children).
pub fn signal_group(group: u32, signal: libc::c_int) {
    // SAFETY: killpg has no memory effects; a group that is gone answers ESRCH.
    unsafe {
        libc::killpg(group as libc::pid_t, signal);
    }
}

/// Ends every process whose environment marks it as a job's from `jobs_folder` (one a killed
/// server left behind, or one that left its group): answers how many were ended.
pub fn end_leftovers(jobs_folder: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let wanted = format!("{MARKER}={}", jobs_folder.display());
    let mut ended = 0;
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        let marked = environ
            .split(|b| *b == 0)
            .any(|var| var.starts_with(wanted.as_bytes()));
        if marked && pid as u32 != std::process::id() {
            // SAFETY: kill has no memory effects.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
            ended += 1;
        }
    }
    ended
}
