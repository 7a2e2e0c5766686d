//! Cheap structural checks that keep the architecture's invariants true.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_default()
}

/// The dependency lines of a manifest's `[dependencies]` section.
fn dependencies(manifest: &str) -> Vec<String> {
    let text = read(manifest);
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            deps.push(line.split(['=', '.']).next().unwrap_or("").trim().to_string());
        }
    }
    deps
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
    assert_eq!(deps, ["logos"], "dg_syntax depends on the lexer crate only");
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
