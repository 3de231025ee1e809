//! The box a job's command runs in. Each command is `/bin/sh -c` in a process group of its own
//! (so Cancel and a timeout end all of it), with a cleared environment, and, before it starts:
//! - Landlock (the kernel's own sandbox for unprivileged processes; the `landlock` crate) lets
//!   it read the system's folders and the configured Python, read its inputs, write only its
//!   own job folder, connect by TCP only to this server's port, and signal nothing outside it:
//!   the server's database, files and other jobs' folders are out of its reach;
//! - it holds no capabilities, even when the server runs as root ([`drop_capabilities`]);
//! - resource limits bound its memory (address space), CPU time and core files;
//! - its shell dies with the thread that started it (`PR_SET_PDEATHSIG`); what it started is
//!   ended when it exits ([`end_job`]) or, after a server was killed, at the next start
//!   ([`end_leftovers`]), found by the marker each job's environment carries.
//!
//! A kernel that cannot enforce all of this is refused at start ([`Sandbox::check`]). Not yet
//! bounded: the number of processes (root is exempt from `RLIMIT_NPROC`) and memory summed over
//! a job's processes; cgroups would do both.

use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, CompatLevel, Compatible, NetPort, Ruleset,
    RulesetAttr, RulesetCreated, RulesetCreatedAttr, Scope, ABI,
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
    /// Folders besides its own it may write (a notebook kernel's person's folder).
    pub writes: Vec<PathBuf>,
    /// TCP ports it may listen on (a kernel's five Jupyter sockets).
    pub binds: Vec<u16>,
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

    /// Checks that this kernel enforces the whole box (Landlock ABI 6: Linux 6.12 or later),
    /// so `--job-runner local` refuses to start rather than run jobs unboxed.
    pub fn check(&self, folder: &Path) -> Result<(), String> {
        let probe = Launch {
            command: "",
            folder,
            cwd: folder,
            env: Vec::new(),
            reads: Vec::new(),
            writes: Vec::new(),
            binds: Vec::new(),
            cpu_seconds: None,
            log: std::fs::File::open("/dev/null").map_err(|e| e.to_string())?,
        };
        self.ruleset(&probe).map(|_| ()).map_err(|e| {
            format!("--job-runner local needs the kernel's Landlock sandbox with its network and signal rules (ABI 6, Linux 6.12 or later) to keep jobs away from the server's files; this kernel does not give it ({e})")
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
            // Every protection asked for is enforced, or the job does not start: never a job
            // that runs unboxed on a kernel without them.
            .set_compatibility(CompatLevel::HardRequirement)
            .handle_access(AccessFs::from_all(abi))?
            .handle_access(AccessNet::from_all(abi))?
            .scope(Scope::from_all(abi))?
            .create()?
            .add_rules(path_beneath_rules(reads, read))?
            .add_rules(path_beneath_rules(
                ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"],
                AccessFs::from_all(abi),
            ))?
            .add_rules(path_beneath_rules(
                std::iter::once(launch.folder.to_path_buf()).chain(launch.writes.iter().cloned()),
                AccessFs::from_all(abi),
            ))?
            .add_rule(NetPort::new(self.port, AccessNet::ConnectTcp))?
            .add_rules(
                launch
                    .binds
                    .iter()
                    .map(|port| Ok(NetPort::new(*port, AccessNet::BindTcp))),
            )
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
        // getppid, setrlimit, capset, and Landlock's own system calls on a ruleset built before
        // fork).
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
                drop_capabilities()
            });
        }
        command.spawn()
    }
}

/// Takes every capability from the command and what it runs, for good: a server run as root
/// would otherwise hand its jobs `CAP_SYS_PTRACE` (reading the server's and other jobs'
/// environments, their tokens in them, past Landlock), raw sockets and the rest. Called
/// between fork and exec: only `prctl` and `capset`. Written with libc rather than the `caps`
/// crate, whose calls allocate (not safe after fork).
fn drop_capabilities() -> std::io::Result<()> {
    // Root stays without capabilities across exec, and cannot take them back (each bit locked).
    // These need CAP_SETPCAP: a server that is not root has none to keep, and is refused
    // quietly (it gives its jobs no capabilities to begin with).
    let bits = libc::SECBIT_NOROOT
        | libc::SECBIT_NOROOT_LOCKED
        | libc::SECBIT_NO_SETUID_FIXUP
        | libc::SECBIT_NO_SETUID_FIXUP_LOCKED
        | libc::SECBIT_KEEP_CAPS_LOCKED
        | libc::SECBIT_NO_CAP_AMBIENT_RAISE
        | libc::SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    // SAFETY: prctl and capset read only the plain values and the structs given to them.
    unsafe {
        libc::prctl(libc::PR_SET_SECUREBITS, bits as libc::c_ulong);
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0,
            0,
            0,
        );
        // The bounding set, up to the kernel's last capability (it answers EINVAL past it).
        for cap in 0..64 {
            if libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong) != 0
                && *libc::__errno_location() == libc::EINVAL
            {
                break;
            }
        }
        // Version 3 of the capability structs: two words of each set, all zero.
        let header = CapHeader {
            version: 0x2008_0522,
            pid: 0,
        };
        let data = [CapData::default(); 2];
        if libc::syscall(libc::SYS_capset, &header, data.as_ptr()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// `struct __user_cap_header_struct`.
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

/// `struct __user_cap_data_struct`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
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

/// Ends every process whose environment marks it as a job's from `jobs_folder` (what a killed
/// server left behind): answers how many were ended.
pub fn end_leftovers(jobs_folder: &Path) -> usize {
    // The folder and a `/`: a sibling folder whose name starts the same is not this one.
    end_marked(&format!("{MARKER}={}/", jobs_folder.display()), false)
}

/// Ends every process of the job whose folder is `folder`, those that left its process group
/// included.
pub fn end_job(folder: &Path) -> usize {
    end_marked(&format!("{MARKER}={}", folder.display()), true)
}

/// Ends the processes with an environment variable that starts with `wanted` (or, `exact`,
/// is `wanted`).
fn end_marked(wanted: &str, exact: bool) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
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
        let marked = environ.split(|b| *b == 0).any(|var| {
            if exact {
                var == wanted.as_bytes()
            } else {
                var.starts_with(wanted.as_bytes())
            }
        });
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
