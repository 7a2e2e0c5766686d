//! docs/tasks.md is generated from the task catalog. This test fails when the
//! file is out of date; run it with DG_UPDATE_DOCS=1 to rewrite the file.

use std::fmt::Write as _;
use std::path::PathBuf;

fn render() -> String {
    let mut out = String::new();
    out.push_str(
        "# Integration tasks known to `dg`\n\
         \n\
         <!-- Generated from crates/catalog/data/tasks.toml by crates/catalog/tests/docs.rs;\n     \
         run `DG_UPDATE_DOCS=1 cargo test -p dg_catalog --test docs` after editing the data. -->\n\
         \n\
         The `dg_catalog` crate documents Zoho's `zoho.<product>.<task>(…)` integration tasks for\n\
         the checker and the language server: parameters in order, how many arguments a call may\n\
         pass, the result type, a one-line description and the Zoho help page. Which of these tasks\n\
         `dg run` can execute outside Zoho is a separate matter (see docs/semantics.md,\n\
         \"Integration tasks\").\n\
         \n\
         - Parameters in `[brackets]` are optional; every Zoho task takes its connection's link\n  \
         name last. Types are Zoho's names; `A/B` means either.\n\
         - **Source**: *confirmed* — the parameter list was read on the Zoho help page linked;\n  \
         *inferred* — the task is named by Zoho (or used widely) but its parameter list follows\n  \
         the product's other tasks and was not read on a Zoho page.\n\
         - **Versions**: `zoho.<product>.v<N>.<task>` and `zoho.<product>.v<N>_<M>.<task>` (for\n  \
         example `zoho.crm.v8.getRecordById`, `zoho.creator.v2_1.getRecords`) resolve to the\n  \
         entry of that versioned name when the catalog has one, else to the unversioned task.\n\
         - `zoho.encryption.*` are builtin functions, and `zoho.currentdate`, `zoho.adminuserid` and\n  \
         the like are system variables; neither is listed here.\n\
         - A call under a covered product whose task is not listed is probably misspelt:\n  \
         `dg_catalog::suggest_task` offers the closest listed task (one or two edits, a swap of\n  \
         two adjacent letters counting as one).\n\
         \n",
    );
    let _ = writeln!(
        out,
        "Covered products: {}.\n",
        dg_catalog::products().iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
    );
    let mut product = "";
    for t in dg_catalog::tasks() {
        if t.product != product {
            if !product.is_empty() {
                out.push('\n');
            }
            product = &t.product;
            let _ = writeln!(out, "## zoho.{product}\n");
            out.push_str(
                "| Task | Args | Returns | Description | Source |\n|---|---|---|---|---|\n",
            );
        }
        let args = if t.min_args == t.max_args {
            t.min_args.to_string()
        } else {
            format!("{}–{}", t.min_args, t.max_args)
        };
        let params: Vec<String> = t
            .params
            .iter()
            .map(|p| {
                if p.optional {
                    format!("[{}: {}]", p.name, p.ty)
                } else {
                    format!("{}: {}", p.name, p.ty)
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "| `{}({})` | {} | {} | {} | [{}]({}) |",
            t.display,
            params.join(", "),
            args,
            t.returns,
            t.summary.replace('|', "\\|"),
            if t.confirmed { "confirmed" } else { "inferred" },
            t.url
        );
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn docs_tasks_md_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/tasks.md");
    let expected = render();
    if std::env::var_os("DG_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("docs/tasks.md is writable");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/tasks.md is out of date: run `DG_UPDATE_DOCS=1 cargo test -p dg_catalog --test docs`"
    );
}

#[test]
fn every_task_appears_in_the_generated_doc() {
    let doc = render();
    for t in dg_catalog::tasks() {
        assert!(doc.contains(&format!("`{}(", t.display)), "{} is missing", t.display);
    }
}
