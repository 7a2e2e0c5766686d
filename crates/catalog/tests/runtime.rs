//! The catalog documents exactly the builtins the runtime has: a name added to
//! one side only fails here.

use std::collections::BTreeSet;

#[test]
fn every_runtime_builtin_is_documented_and_nothing_else() {
    let runtime: BTreeSet<String> =
        dg_runtime::builtin_names().into_iter().map(str::to_ascii_lowercase).collect();
    let documented: BTreeSet<String> = dg_catalog::builtins()
        .iter()
        .flat_map(|doc| doc.names().map(str::to_ascii_lowercase))
        .collect();

    let undocumented: Vec<&String> = runtime.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "builtins without docs in crates/catalog/data/builtins.toml: {undocumented:?}"
    );
    let unknown: Vec<&String> = documented.difference(&runtime).collect();
    assert!(
        unknown.is_empty(),
        "crates/catalog/data/builtins.toml documents names the runtime does not have: {unknown:?}"
    );
    for name in &runtime {
        assert!(dg_catalog::builtin(name).is_some(), "{name} does not resolve");
    }
}

#[test]
fn no_task_shadows_a_builtin() {
    // zoho.encryption.* are builtins; a task of the same name would never be called.
    for t in dg_catalog::tasks() {
        assert!(dg_catalog::builtin(&t.name).is_none(), "{} is a builtin", t.display);
    }
}
