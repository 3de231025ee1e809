//! `cargo xtask setup`: install what is missing (`cargo xtask build` and the others call it).
//!
//! Every step checks first and acts only when something is missing or has the wrong version;
//! nothing here downloads from GitHub (see ../shared/TOOLCHAIN.md for why each step is so).

use crate::{cmd, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

/// The trunk release this project builds with (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// The wasm splitter (`wasm_split_cli_support`'s binary) and the release `cargo xtask build`
/// runs; it matches the `wasm_split_helpers` Leptos's `#[lazy]` uses (Cargo.lock).
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
/// Its binary's name in `target/tools/bin`.
pub const WASM_SPLIT_CLI: &str = "wasm-split-cli";
/// The browser every test and bench drives.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver the wasm-bindgen test runner drives Chromium with.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// `cargo xtask setup [--dry-run]`: install what is missing (`--dry-run` only reports it).
pub fn main(args: &[String]) -> Result {
    let dry_run = match args {
        [] => false,
        [flag] if flag == "--dry-run" => true,
        _ => return Err("usage: cargo xtask setup [--dry-run]".into()),
    };
    run_steps(dry_run)
}

/// Installs whatever is missing; build, serve, test and bench call this first.
pub fn ensure() -> Result {
    run_steps(false)
}

/// Runs every setup step in order; prints one line per action, or one summary line.
fn run_steps(dry_run: bool) -> Result {
    let mut acted = Vec::new();
    wasm_target(dry_run, &mut acted)?;
    trunk(dry_run, &mut acted)?;
    wasm_bindgen(dry_run, &mut acted)?;
    wasm_split(dry_run, &mut acted)?;
    nightly_std(dry_run, &mut acted);
    let browsers = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    debian_packages(
        dry_run,
        &mut acted,
        browsers,
        &["chromium", "chromium-driver"],
    )?;
    // wrk is the load generator of `cargo xtask bench server`.
    debian_packages(dry_run, &mut acted, Path::new(WRK).exists(), &["wrk"])?;
    npm_packages(dry_run, &mut acted)?;
    wasm_opt_wrapper(dry_run, &mut acted)?;
    if crate::python::ensure(dry_run)? {
        acted.push("the client tests' and kernels' Python packages".into());
    }
    if acted.is_empty() {
        println!(
            "setup: everything present (wasm32 target, trunk {TRUNK_VERSION}, wasm-bindgen, \
             wasm-split-cli, nightly rust-src, chromium, wrk, npm packages, wasm-opt, azure-ai-ml, mlflow and ipykernel in target/python)"
        );
    } else if dry_run {
        println!("setup: dry run, {} step(s) would run", acted.len());
    }
    Ok(())
}

/// Prints what a step does and runs it, or only prints it on a dry run.
fn act(dry_run: bool, acted: &mut Vec<String>, what: String, command: &mut Command) -> Result {
    if dry_run {
        println!("setup: (dry run) {what}: {}", cmd::display(command));
    } else {
        println!("setup: {what}");
        cmd::run(command)?;
    }
    acted.push(what);
    Ok(())
}

fn wasm_target(dry_run: bool, acted: &mut Vec<String>) -> Result {
    let installed = cmd::output("rustup", &["target", "list", "--installed"])
        .ok_or("`rustup target list --installed` failed; is rustup installed?")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    let what = format!("adding the Rust target {WASM_TARGET}");
    act(
        dry_run,
        acted,
        what,
        &mut cmd::command("rustup", &["target", "add", WASM_TARGET]),
    )
}

fn trunk(dry_run: bool, acted: &mut Vec<String>) -> Result {
    let found = cmd::output("trunk", &["--version"]);
    let version = found.as_deref().and_then(second_word);
    if version == Some(TRUNK_VERSION) {
        return Ok(());
    }
    let what = format!(
        "installing trunk {TRUNK_VERSION} (found: {}, takes about 9 minutes)",
        version.unwrap_or("none")
    );
    let args = ["install", "trunk", "--version", TRUNK_VERSION, "--locked"];
    act(dry_run, acted, what, &mut cmd::command("cargo", &args))
}

fn wasm_bindgen(dry_run: bool, acted: &mut Vec<String>) -> Result {
    let lock_path = cmd::root().join("Cargo.lock");
    if !lock_path.exists() {
        let what = "creating Cargo.lock".to_string();
        act(
            dry_run,
            acted,
            what,
            &mut cmd::command("cargo", &["generate-lockfile"]),
        )?;
        if dry_run {
            return Ok(());
        }
    }
    let lock = fs::read_to_string(&lock_path)?;
    let wanted = locked_version(&lock, "wasm-bindgen")
        .ok_or("Cargo.lock has no `wasm-bindgen` package; does the studio depend on it?")?;
    let found = cmd::output("wasm-bindgen", &["--version"]);
    let version = found.as_deref().and_then(second_word);
    if version == Some(wanted.as_str()) {
        return Ok(());
    }
    // No --locked: the lock file of wasm-bindgen-cli names a webpki-roots the registry lacks.
    let what = format!(
        "installing wasm-bindgen-cli {wanted} to match Cargo.lock (found: {}, takes about 3 minutes)",
        version.unwrap_or("none")
    );
    let args = ["install", "wasm-bindgen-cli", "--version", wanted.as_str()];
    act(dry_run, acted, what, &mut cmd::command("cargo", &args))
}

/// The toolchain the release wasm is built with, standard library and all (see `build.rs`).
pub const NIGHTLY: &str = "nightly";

/// Whether the nightly toolchain and its standard library's source are installed.
pub fn nightly_std_ready() -> bool {
    cmd::output(
        "rustup",
        &["component", "list", "--toolchain", NIGHTLY, "--installed"],
    )
    .is_some_and(|installed| installed.lines().any(|line| line.trim() == "rust-src"))
}

/// The nightly toolchain's `rust-src`, for a release wasm built with its own standard library.
/// Optional: where rustup cannot fetch it, the release build uses the stable toolchain's
/// prebuilt standard library and says so (the studio is then about 7 % larger).
fn nightly_std(dry_run: bool, acted: &mut Vec<String>) {
    if nightly_std_ready() {
        return;
    }
    let have_nightly = cmd::output("rustup", &["toolchain", "list"])
        .is_some_and(|list| list.lines().any(|line| line.starts_with(NIGHTLY)));
    let (what, args): (String, &[&str]) = if have_nightly {
        (
            "adding rust-src to the nightly toolchain (for the release wasm)".into(),
            &["component", "add", "rust-src", "--toolchain", NIGHTLY],
        )
    } else {
        (
            "installing the nightly toolchain with rust-src (for the release wasm)".into(),
            &[
                "toolchain",
                "install",
                NIGHTLY,
                "--profile",
                "minimal",
                "--component",
                "rust-src",
            ],
        )
    };
    if let Err(e) = act(dry_run, acted, what, &mut cmd::command("rustup", args)) {
        println!("setup: {e}; the release build will use the stable standard library");
    }
}

/// Debian's load generator, for the server bench.
pub const WRK: &str = "/usr/bin/wrk";

/// `wasm-split-cli` into `target/tools` (it has no `--version`; cargo's install record says which).
fn wasm_split(dry_run: bool, acted: &mut Vec<String>) -> Result {
    let tools = cmd::tools_bin()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let record = fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    let wanted = format!("\"wasm_split_cli_support {WASM_SPLIT_VERSION} ");
    if record.contains(&wanted) && cmd::tools_bin().join(WASM_SPLIT_CLI).exists() {
        return Ok(());
    }
    let what = format!("installing {WASM_SPLIT_CLI} {WASM_SPLIT_VERSION} (takes about 2 minutes)");
    let root = tools.to_string_lossy().into_owned();
    let args = [
        "install",
        "wasm_split_cli_support",
        "--version",
        WASM_SPLIT_VERSION,
        "--features",
        "build-binary",
        "--locked",
        "--root",
        root.as_str(),
    ];
    act(dry_run, acted, what, &mut cmd::command("cargo", &args))
}

/// Installs Debian packages with apt-get unless `present`.
fn debian_packages(
    dry_run: bool,
    acted: &mut Vec<String>,
    present: bool,
    packages: &[&str],
) -> Result {
    if present {
        return Ok(());
    }
    let what = format!("installing {} with apt-get", packages.join(" and "));
    if dry_run {
        let mut install = vec!["install", "-y"];
        install.extend_from_slice(packages);
        println!(
            "setup: (dry run) {what}: {}",
            cmd::display(&apt_get(&install))
        );
    } else {
        println!("setup: {what}");
        install_debian(packages)?;
    }
    acted.push(what);
    Ok(())
}

/// Installs Debian packages with apt-get, updating the package lists first when that fails.
pub fn install_debian(packages: &[&str]) -> Result {
    let mut install = vec!["install", "-y"];
    install.extend_from_slice(packages);
    if cmd::run(&mut apt_get(&install)).is_ok() {
        return Ok(());
    }
    println!("setup: apt-get install failed; updating the package lists and trying again");
    cmd::run(&mut apt_get(&["update"]))?;
    cmd::run(&mut apt_get(&install))
}

/// `apt-get args`, non-interactive, through sudo unless we are root.
fn apt_get(args: &[&str]) -> Command {
    let root = cmd::output("id", &["-u"]).as_deref() == Some("0");
    let mut words = vec!["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"];
    words.extend_from_slice(args);
    if root {
        cmd::command(words[0], &words[1..])
    } else {
        cmd::command("sudo", &words)
    }
}

fn npm_packages(dry_run: bool, acted: &mut Vec<String>) -> Result {
    let root = cmd::root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    let modified = |path: &Path| fs::metadata(path).and_then(|meta| meta.modified()).ok();
    let fresh = match (modified(&installed), modified(&lock)) {
        (Some(installed), Some(lock)) => installed >= lock,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if fresh {
        return Ok(());
    }
    let what = "installing npm packages (node_modules is missing or older than package-lock.json)";
    act(
        dry_run,
        acted,
        what.to_string(),
        &mut cmd::command("npm", &["ci"]),
    )
}

fn wasm_opt_wrapper(dry_run: bool, acted: &mut Vec<String>) -> Result {
    let wrapper = cmd::tools_bin().join("wasm-opt");
    let binaryen = cmd::root().join("node_modules/binaryen/bin/wasm-opt");
    let script = format!("#!/bin/sh\nexec node \"{}\" \"$@\"\n", binaryen.display());
    if fs::read_to_string(&wrapper).ok().as_deref() != Some(script.as_str()) {
        println!(
            "setup: {}writing {} (runs npm binaryen's wasm-opt on node)",
            if dry_run { "(dry run) " } else { "" },
            wrapper.display()
        );
        acted.push("wasm-opt wrapper".to_string());
        if dry_run {
            return Ok(());
        }
        fs::create_dir_all(cmd::tools_bin())?;
        fs::write(&wrapper, script)?;
        make_executable(&wrapper)?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result {
    Ok(())
}

/// The second word of a `--version` line (`trunk 0.21.14`, `wasm-bindgen 0.2.130`).
fn second_word(line: &str) -> Option<&str> {
    line.split_whitespace().nth(1)
}

/// The version of package `name` in a Cargo.lock (the first one when several are locked).
pub fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    lock.split("[[package]]")
        .find(|block| block.lines().any(|line| line.trim() == wanted))
        .and_then(|block| toml_string(block, "version"))
}

/// The string value of the first `key = "value"` line in a TOML text.
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        if k.trim() != key {
            return None;
        }
        let v = v.split('#').next()?.trim();
        Some(v.strip_prefix('"')?.strip_suffix('"')?.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-macro"
version = "0.2.129"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn finds_locked_version() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(LOCK, "leptos"), None);
    }

    #[test]
    fn reads_toml_strings() {
        let toml = "[tools]\nwasm_opt = \"version_132\" # npm binaryen\n";
        assert_eq!(
            toml_string(toml, "wasm_opt").as_deref(),
            Some("version_132")
        );
        assert_eq!(toml_string(toml, "wasm_bindgen"), None);
    }

    #[test]
    fn version_lines() {
        assert_eq!(second_word("trunk 0.21.14"), Some("0.21.14"));
        assert_eq!(second_word("wasm-bindgen 0.2.130"), Some("0.2.130"));
        assert_eq!(second_word(""), None);
    }
}
