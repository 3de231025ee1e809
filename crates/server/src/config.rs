//! The server's settings: each flag also has an environment variable.

use azimuth_core::Pace;
use std::net::SocketAddr;
use std::path::PathBuf;

/// How the server runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where to listen (`--addr`, `AZIMUTH_ADDR`; default 127.0.0.1:8080).
    pub addr: SocketAddr,
    /// The SQLite database (`--db`, `AZIMUTH_DB`; default ./data/azimuth.db).
    pub db: PathBuf,
    /// Where the workspaces' files are kept (`--files`, `AZIMUTH_FILES`; default a folder beside
    /// the database: ./data/azimuth-files).
    pub files: PathBuf,
    /// The built studio to serve (`--dist`, `AZIMUTH_DIST`; default ./dist).
    pub dist: PathBuf,
    /// When set, signing in needs it (`--access-key`, `AZIMUTH_ACCESS_KEY`).
    pub access_key: Option<String>,
    /// Pace of simulated operations (`--pace`, `AZIMUTH_PACE`): set at start when given; a new
    /// workspace starts fast. Owners can change it in the studio's Settings.
    pub pace: Option<Pace>,
    /// vCPU limit of every VM family (`--vcpu-quota`, `AZIMUTH_VCPU_QUOTA`), e.g. for a class;
    /// default Azure's (24 for CPU families, 6 for GPU families).
    pub vcpu_quota: Option<u32>,
    /// Lets an Owner move the server's clock forward with `POST /api/clock` (`--movable-clock`,
    /// `AZIMUTH_MOVABLE_CLOCK=1`): a demo of idle shutdown, or a test, need not wait for it.
    pub movable_clock: bool,
    /// How command jobs run (`--job-runner`, `AZIMUTH_JOB_RUNNER`): `local` runs them on this
    /// machine, sandboxed; `None` (the default, `none`) leaves them Queued, saying why.
    pub job_runner: Option<JobRunner>,
    /// How compute instances run notebooks (`--instance-runtime`, `AZIMUTH_INSTANCE_RUNTIME`):
    /// `local` backs each running instance with real Jupyter kernels on this machine,
    /// sandboxed; `None` (the default, `none`) runs none, and the studio says so.
    pub instance_runtime: Option<crate::kernels::RuntimeSettings>,
    /// Where the instances' applications (JupyterLab) are served, an origin of their own
    /// (`--apps-addr`, `AZIMUTH_APPS_ADDR`; default `None`: the next port after `--addr`, or
    /// any free one when that is taken).
    pub apps_addr: Option<SocketAddr>,
    /// Demo mode (`--demo`, `AZIMUTH_DEMO=1`): anyone signs in as anyone by picking a name,
    /// without a password. Without it each person signs in with a password of their own.
    pub demo: bool,
}

/// The local job runner's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRunner {
    /// The Python jobs run with (`--job-python`, `AZIMUTH_JOB_PYTHON`; default python3).
    pub python: String,
    /// Memory per job in MB (`--job-memory`, `AZIMUTH_JOB_MEMORY`; default 4096).
    pub memory_mb: u64,
    /// Jobs run at once (`--job-slots`, `AZIMUTH_JOB_SLOTS`; default: the machine's cores).
    pub slots: usize,
    /// Where jobs' working folders are (beside the database, `{name}-jobs`).
    pub folder: PathBuf,
}

/// The flags, their variables and what they mean, for `--help`.
pub const USAGE: &str = "\
usage: azimuth-server [--addr HOST:PORT] [--db FILE] [--files DIR] [--dist DIR] [--access-key KEY] [--pace instant|fast|realistic] [--vcpu-quota N] [--job-runner none|local] [--job-python PATH] [--job-memory MB] [--job-slots N] [--instance-runtime none|local] [--kernel-python PATH] [--kernel-memory MB] [--cell-timeout SECONDS] [--apps-addr HOST:PORT] [--movable-clock] [--demo]

  --addr        AZIMUTH_ADDR        where to listen (default 127.0.0.1:8080)
  --db          AZIMUTH_DB          SQLite database, created with its folder (default ./data/azimuth.db)
  --files       AZIMUTH_FILES       the workspaces' files (default: beside the database, ./data/azimuth-files)
  --dist        AZIMUTH_DIST        the built studio to serve (default ./dist)
  --access-key  AZIMUTH_ACCESS_KEY  when set, signing in needs this key
  --pace        AZIMUTH_PACE        instant, fast or realistic, set at start (a new workspace: fast)
  --vcpu-quota  AZIMUTH_VCPU_QUOTA  vCPU limit of every VM family (default 24 CPU, 6 GPU)
  --job-runner  AZIMUTH_JOB_RUNNER  none (default: command jobs stay Queued) or local (they run
                                    here, each in a sandbox: its own folder, memory and CPU limits)
  --job-python  AZIMUTH_JOB_PYTHON  the Python jobs run with (default python3)
  --job-memory  AZIMUTH_JOB_MEMORY  memory per job in MB (default 4096)
  --job-slots   AZIMUTH_JOB_SLOTS   jobs run at once (default: the machine's cores)
  --instance-runtime  AZIMUTH_INSTANCE_RUNTIME  none (default: notebooks run only in the browser)
                or local (each running compute instance gets real Jupyter kernels here, sandboxed)
  --kernel-python  AZIMUTH_KERNEL_PYTHON  the Python kernels run with; it needs ipykernel
                (default: --job-python, else python3)
  --kernel-memory  AZIMUTH_KERNEL_MEMORY  memory per kernel in MB (default 4096)
  --cell-timeout   AZIMUTH_CELL_TIMEOUT   the longest a cell may run, in seconds (default 1800)
  --apps-addr      AZIMUTH_APPS_ADDR      where the instances' JupyterLab is served, a port of its
                own so it cannot reach the studio's storage (default: the port after --addr, or
                any free one when that is taken)
  --movable-clock  AZIMUTH_MOVABLE_CLOCK=1  an Owner may move the clock forward (POST /api/clock),
                to show idle shutdown or a schedule without waiting for it
  --demo        AZIMUTH_DEMO=1      anyone signs in as anyone by picking a name, without a password
                (a demo); otherwise each person signs in with a password of their own, set from a
                one-time code an Owner gives them (the first Owner's is printed at start)";

impl Config {
    /// Reads flags, falling back to environment variables, then to the defaults.
    pub fn from_args(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, String> {
        let mut flags: Vec<(String, String)> = Vec::new();
        let mut movable_clock =
            env("AZIMUTH_MOVABLE_CLOCK").is_some_and(|v| v == "1" || v == "true");
        let mut demo = env("AZIMUTH_DEMO").is_some_and(|v| v == "1" || v == "true");
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            if flag == "--movable-clock" {
                movable_clock = true;
                continue;
            }
            if flag == "--demo" {
                demo = true;
                continue;
            }
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_owned(), v.to_owned()),
                None => {
                    let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
                    (flag, value)
                }
            };
            if ![
                "--addr",
                "--db",
                "--files",
                "--dist",
                "--access-key",
                "--pace",
                "--vcpu-quota",
                "--job-runner",
                "--job-python",
                "--job-memory",
                "--job-slots",
                "--instance-runtime",
                "--kernel-python",
                "--kernel-memory",
                "--cell-timeout",
                "--apps-addr",
            ]
            .contains(&name.as_str())
            {
                return Err(format!("unknown flag {name}"));
            }
            flags.push((name, value));
        }
        let get = |flag: &str, var: &str| {
            flags
                .iter()
                .rev()
                .find(|(n, _)| n == flag)
                .map(|(_, v)| v.clone())
                .or_else(|| env(var))
        };
        let addr = get("--addr", "AZIMUTH_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let pace = match get("--pace", "AZIMUTH_PACE").as_deref() {
            None => None,
            Some("fast") => Some(Pace::Fast),
            Some("instant") => Some(Pace::Instant),
            Some("realistic") => Some(Pace::Realistic),
            Some(other) => {
                return Err(format!(
                    "--pace must be instant, fast or realistic, not {other}"
                ))
            }
        };
        let vcpu_quota = match get("--vcpu-quota", "AZIMUTH_VCPU_QUOTA") {
            None => None,
            Some(n) => Some(
                n.parse()
                    .map_err(|_| format!("--vcpu-quota must be a whole number, not {n}"))?,
            ),
        };
        let db: PathBuf = get("--db", "AZIMUTH_DB")
            .unwrap_or_else(|| "data/azimuth.db".into())
            .into();
        let files =
            get("--files", "AZIMUTH_FILES").map_or_else(|| beside(&db, "files"), PathBuf::from);
        let job_runner = match get("--job-runner", "AZIMUTH_JOB_RUNNER").as_deref() {
            None | Some("none") => None,
            Some("local") => {
                let number =
                    |flag: &str, var: &str, default: u64| match get(flag, var) {
                        None => Ok(default),
                        Some(n) => n.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                            format!("{flag} must be a whole number above 0, not {n}")
                        }),
                    };
                let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
                Some(JobRunner {
                    python: get("--job-python", "AZIMUTH_JOB_PYTHON")
                        .unwrap_or_else(|| "python3".into()),
                    memory_mb: number("--job-memory", "AZIMUTH_JOB_MEMORY", 4096)?,
                    slots: number("--job-slots", "AZIMUTH_JOB_SLOTS", cores)? as usize,
                    folder: beside(&db, "jobs"),
                })
            }
            Some(other) => return Err(format!("--job-runner must be none or local, not {other}")),
        };
        let whole = |flag: &str, var: &str, default: u64| match get(flag, var) {
            None => Ok(default),
            Some(n) => n
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} must be a whole number above 0, not {n}")),
        };
        let instance_runtime =
            match get("--instance-runtime", "AZIMUTH_INSTANCE_RUNTIME").as_deref() {
                None | Some("none") => None,
                Some("local") => {
                    let cell_seconds = whole("--cell-timeout", "AZIMUTH_CELL_TIMEOUT", 1800)?;
                    Some(crate::kernels::RuntimeSettings {
                        python: get("--kernel-python", "AZIMUTH_KERNEL_PYTHON")
                            .or_else(|| get("--job-python", "AZIMUTH_JOB_PYTHON"))
                            .unwrap_or_else(|| "python3".into()),
                        memory_mb: whole("--kernel-memory", "AZIMUTH_KERNEL_MEMORY", 4096)?,
                        cell_seconds,
                        cpu_seconds: (cell_seconds * 4).max(4 * 3600),
                        folder: beside(&db, "kernels"),
                    })
                }
                Some(other) => {
                    return Err(format!(
                        "--instance-runtime must be none or local, not {other}"
                    ))
                }
            };
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| format!("--addr {addr} is not HOST:PORT"))?;
        let apps_addr = match get("--apps-addr", "AZIMUTH_APPS_ADDR") {
            Some(a) => Some(
                a.parse()
                    .map_err(|_| format!("--apps-addr {a} is not HOST:PORT"))?,
            ),
            None => None,
        };
        Ok(Config {
            instance_runtime,
            apps_addr,
            job_runner,
            addr,
            db,
            files,
            dist: get("--dist", "AZIMUTH_DIST")
                .unwrap_or_else(|| "dist".into())
                .into(),
            access_key: get("--access-key", "AZIMUTH_ACCESS_KEY").filter(|k| !k.is_empty()),
            pace,
            vcpu_quota,
            movable_clock,
            demo,
        })
    }
}

/// A folder beside the database: `{database name}-{what}`.
fn beside(db: &std::path::Path, what: &str) -> PathBuf {
    let stem = db
        .file_stem()
        .map_or("azimuth".into(), |s| s.to_string_lossy());
    db.with_file_name(format!("{stem}-{what}"))
}

impl Config {
    /// The address clients reach this server at (`mlFlowTrackingUri`, `discoveryUrl`): the
    /// listening address, with loopback for one that listens everywhere.
    pub fn public_base(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_args(args.iter().map(|a| a.to_string()), move |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_flags_and_environment() {
        let c = parse(&[], &[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.db, PathBuf::from("data/azimuth.db"));
        assert_eq!(c.files, PathBuf::from("data/azimuth-files"));
        let beside = parse(&["--db", "/tmp/x/class.db"], &[]).unwrap();
        assert_eq!(beside.files, PathBuf::from("/tmp/x/class-files"));
        assert_eq!(c.pace, None);
        assert_eq!(c.access_key, None);
        let c = parse(
            &["--addr", "127.0.0.1:9000", "--pace=instant"],
            &[
                ("AZIMUTH_ACCESS_KEY", "k1"),
                ("AZIMUTH_ADDR", "127.0.0.1:1"),
            ],
        )
        .unwrap();
        assert_eq!(c.addr.port(), 9000, "a flag beats its variable");
        assert_eq!(c.access_key.as_deref(), Some("k1"));
        assert_eq!(c.pace, Some(Pace::Instant));
        assert!(parse(&["--pace", "warp"], &[])
            .unwrap_err()
            .contains("instant, fast or realistic"));
        assert!(parse(&["--port", "1"], &[])
            .unwrap_err()
            .contains("unknown flag"));
        assert!(!c.movable_clock, "the clock is the system's unless asked");
        assert!(parse(&["--movable-clock"], &[]).unwrap().movable_clock);
        assert!(
            parse(&[], &[("AZIMUTH_MOVABLE_CLOCK", "1")])
                .unwrap()
                .movable_clock
        );
        assert!(!c.demo && parse(&["--demo"], &[]).unwrap().demo);
        assert!(parse(&[], &[("AZIMUTH_DEMO", "1")]).unwrap().demo);
        assert!(parse(&["--addr"], &[])
            .unwrap_err()
            .contains("needs a value"));
    }
}
