//! The Python the client tests and the notebooks' kernels run on: a virtual environment in
//! `target/python` (git-ignored) holding the pinned packages of `tests/clients/requirements.txt`,
//! from PyPI.
//!
//! Setup installs it when it is missing or the pins changed, and otherwise only compares one
//! file: the requirements installed last are copied beside the environment.

use crate::{cmd, Result};
use std::fs;
use std::path::PathBuf;

/// The pinned packages, one `name==version` a line.
const REQUIREMENTS: &str = "tests/clients/requirements.txt";
/// The copy of the requirements that were installed, inside the environment.
const INSTALLED: &str = "azimuth-requirements.txt";

/// The virtual environment's folder.
pub fn venv() -> PathBuf {
    cmd::root().join("target").join("python")
}

/// The environment's interpreter.
pub fn python() -> PathBuf {
    venv().join("bin").join("python")
}

/// What is missing: `None` when the environment is there with the pinned packages.
fn missing() -> Result<Option<String>> {
    let wanted = fs::read_to_string(cmd::root().join(REQUIREMENTS))?;
    if !python().exists() {
        return Ok(Some("no virtual environment in target/python".into()));
    }
    let installed = fs::read_to_string(venv().join(INSTALLED)).unwrap_or_default();
    Ok((installed != wanted).then(|| format!("{REQUIREMENTS} changed since the last install")))
}

/// Creates the environment and installs the pinned packages when they are missing; a dry run
/// only says what it would do. Answers whether it acted (or would).
pub fn ensure(dry_run: bool) -> Result<bool> {
    let Some(why) = missing()? else {
        return Ok(false);
    };
    let venv_dir = venv().to_string_lossy().into_owned();
    let mut create = cmd::command("python3", &["-m", "venv", &venv_dir]);
    let python = python().to_string_lossy().into_owned();
    let pip = [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--quiet",
        "-r",
        REQUIREMENTS,
    ];
    let mut install = cmd::command(&python, &pip);
    if dry_run {
        println!("setup: (dry run) the Python packages of the client tests ({why}):");
        if !self::python().exists() {
            println!("  {}", cmd::display(&create));
        }
        println!("  {}", cmd::display(&install));
        return Ok(true);
    }
    println!("setup: installing the Python packages of the client tests and the notebook kernels from PyPI ({why}; takes a few minutes)");
    if !self::python().exists() && cmd::run(&mut create).is_err() {
        // Debian's python3 makes environments only with its python3-venv package.
        println!("setup: `python3 -m venv` failed; installing Debian's python3-venv");
        crate::setup::install_debian(&["python3-venv"])?;
        let _ = fs::remove_dir_all(venv());
        cmd::run(&mut create)?;
    }
    cmd::run(&mut install)?;
    fs::copy(cmd::root().join(REQUIREMENTS), venv().join(INSTALLED))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_pinned() {
        let text = fs::read_to_string(cmd::root().join(REQUIREMENTS)).unwrap();
        let pins: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(pins.iter().any(|p| p.starts_with("azure-ai-ml==")));
        for pin in pins {
            let (name, version) = pin.split_once("==").expect("name==version");
            assert!(!name.is_empty() && !version.is_empty(), "{pin}");
        }
    }
}
