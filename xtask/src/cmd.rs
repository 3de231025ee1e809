//! Running external programs: the repository root, the tool PATH, printed command lines.

use crate::Result;
use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (the test run builds the
/// release studio in a directory of its own, beside the checks), else `target/`.
pub fn cargo_target() -> PathBuf {
    // Relative, it is from the root, where xtask runs cargo.
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), |d| root().join(d))
}

/// Sends SIGTERM to the process group led by `leader` (a child started with
/// `process_group(0)`, and everything it started).
pub fn stop_group(leader: u32) {
    let group = format!("-{leader}");
    let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
}

/// The directory holding the tools xtask writes itself (the `wasm-opt` wrapper).
pub fn tools_bin() -> PathBuf {
    root().join("target").join("tools").join("bin")
}

/// Cargo's bin directory, where `cargo install` puts trunk and wasm-bindgen: `$CARGO_HOME/bin`
/// or `~/.cargo/bin`.
pub fn cargo_bin() -> PathBuf {
    match env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

/// `PATH` with `target/tools/bin` first and cargo's bin directory second, so trunk finds the
/// npm binaryen `wasm-opt` wrapper and the `cargo install`ed wasm-bindgen.
pub fn tool_path() -> OsString {
    let current = env::var_os("PATH").unwrap_or_default();
    let dirs = [tools_bin(), cargo_bin()]
        .into_iter()
        .chain(env::split_paths(&current));
    env::join_paths(dirs).unwrap_or(current)
}

/// A command for `program` that runs in the repository root with the tool `PATH`.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(root()).env("PATH", tool_path());
    cmd
}

/// The command line of `cmd` as printed before it runs: the variables it sets (all but
/// `PATH`), the program, the arguments.
pub fn display(cmd: &Command) -> String {
    let quote = |word: &std::ffi::OsStr| {
        let word = word.to_string_lossy();
        if word.contains(' ') {
            format!("'{word}'")
        } else {
            word.into_owned()
        }
    };
    let vars = cmd
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .filter_map(|(key, value)| Some(format!("{}={}", key.to_string_lossy(), quote(value?))));
    let words = std::iter::once(cmd.get_program()).chain(cmd.get_args());
    vars.chain(words.map(quote)).collect::<Vec<_>>().join(" ")
}

/// Prints the command line, runs it with inherited stdio and fails unless it exits with 0.
pub fn run(cmd: &mut Command) -> Result {
    println!("$ {}", display(cmd));
    let status = cmd
        .status()
        .map_err(|err| format!("cannot start `{}`: {err}", display(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", display(cmd)).into())
    }
}

/// The trimmed stdout of `program args` (run with the tool `PATH`), or `None` when the program
/// is missing or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program, args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Runs `f` and returns its result together with how long it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// A duration as people read it: `850 ms`, `12.3 s`, `4 min 05 s`.
pub fn human(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 1.0 {
        format!("{} ms", duration.as_millis())
    } else if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        let whole = duration.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        assert_eq!(human(Duration::from_millis(850)), "850 ms");
        assert_eq!(human(Duration::from_millis(12_340)), "12.3 s");
        assert_eq!(human(Duration::from_secs(245)), "4 min 05 s");
    }

    #[test]
    fn tool_path_puts_wrapper_first() {
        let path = tool_path();
        let first = env::split_paths(&path).next().unwrap();
        assert_eq!(first, tools_bin());
    }

    #[test]
    fn display_quotes_spaces() {
        let mut cmd = command("echo", &["a b", "c"]);
        cmd.env("CHROMEDRIVER", "/usr/bin/chromedriver");
        assert_eq!(
            display(&cmd),
            "CHROMEDRIVER=/usr/bin/chromedriver echo 'a b' c"
        );
    }
}
