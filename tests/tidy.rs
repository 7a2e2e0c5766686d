//! Cheap structural checks that keep the architecture's invariants true.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `cargo metadata --format-version 1 --offline --no-deps` of the workspace, run once.
fn metadata() -> &'static serde_json::Value {
    static METADATA: OnceLock<serde_json::Value> = OnceLock::new();
    METADATA.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = std::process::Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--no-deps",
                "--manifest-path",
            ])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
    })
}

/// The normal (non-dev, non-build) dependencies of the crate whose manifest is `manifest`
/// (relative to the workspace root), by the name the code uses: renamed dependencies by their
/// new name, target-specific ones included. Panics if the manifest is missing or is not a
/// workspace member.
fn dependencies(manifest: &str) -> Vec<String> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest);
    assert!(path.is_file(), "{} is missing", path.display());
    let canonical = path.canonicalize().expect("manifest path");
    let packages = metadata()["packages"].as_array().expect("packages");
    let package = packages
        .iter()
        .find(|p| {
            p["manifest_path"]
                .as_str()
                .and_then(|m| Path::new(m).canonicalize().ok())
                .is_some_and(|m| m == canonical)
        })
        .unwrap_or_else(|| panic!("{manifest} is not a workspace member"));
    let mut deps: Vec<String> = package["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["kind"].is_null())
        .map(|d| d["rename"].as_str().or(d["name"].as_str()).expect("name").replace('-', "_"))
        .collect();
    deps.sort();
    deps.dedup();
    deps
}

#[test]
fn dependency_lists_come_from_cargo() {
    // Every form of declaring a dependency counts, and a missing manifest is an error.
    let host = dependencies("crates/host/Cargo.toml");
    for dep in ["dg_connections", "dg_runtime", "dg_sandbox", "reqwest", "tokio"] {
        assert!(host.iter().any(|d| d == dep), "{dep} missing from {host:?}");
    }
    assert!(!host.iter().any(|d| d == "axum"), "dev-dependencies are not counted: {host:?}");
    let missing = std::panic::catch_unwind(|| dependencies("crates/no_such_crate/Cargo.toml"));
    assert!(missing.is_err(), "a missing manifest must fail loudly");
}

#[test]
fn the_runtime_does_no_io() {
    let deps = dependencies("crates/runtime/Cargo.toml");
    assert!(!deps.is_empty());
    for banned in ["tokio", "reqwest", "hyper", "dg_connections", "dg_host", "dg_sandbox"] {
        assert!(!deps.iter().any(|d| d == banned), "dg_runtime must not depend on {banned}");
    }
}

#[test]
fn the_syntax_crate_stands_alone() {
    let deps = dependencies("crates/syntax/Cargo.toml");
    // The lexer, and inline strings for the tree's names (see `ast.rs`).
    assert_eq!(
        deps,
        ["compact_str", "logos"],
        "dg_syntax depends on the lexer and compact_str only"
    );
}

#[test]
fn the_catalog_is_data_only() {
    let deps = dependencies("crates/catalog/Cargo.toml");
    assert!(
        !deps.iter().any(|d| d.starts_with("dg_")),
        "dg_catalog must not depend on our crates (dg_runtime only as a dev-dependency): {deps:?}"
    );
}

#[test]
fn the_sandbox_knows_nothing_about_deluge() {
    let deps = dependencies("crates/sandbox/Cargo.toml");
    assert!(
        !deps.iter().any(|d| d.starts_with("dg_")),
        "dg_sandbox must not depend on our crates: {deps:?}"
    );
}

#[test]
fn every_builtin_appears_in_a_fixture() {
    let mut fixtures = String::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/builtins")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "dg") {
                fixtures.push_str(
                    &std::fs::read_to_string(&path).unwrap_or_default().to_ascii_lowercase(),
                );
            }
        }
    }
    let missing: Vec<&str> = dg_runtime::builtin_names()
        .into_iter()
        .filter(|name| {
            let short = name.rsplit('.').next().unwrap_or(name);
            !fixtures.contains(&format!("{short}("))
        })
        .collect();
    assert!(missing.is_empty(), "builtins without a fixture under fixtures/builtins: {missing:?}");
}
