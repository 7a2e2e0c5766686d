//! `fixtures/syntax/ok` must check cleanly (no error, no warning);
//! `fixtures/syntax/err` must give at least one error, whose rendering is snapshotted.

use dg_runtime::Script;

#[test]
fn ok_files_have_no_diagnostics() {
    insta::glob!("../fixtures", "syntax/ok/*.dg", |path| {
        let src = std::fs::read_to_string(path).unwrap_or_default();
        let script = Script::new(src);
        let errors: Vec<_> = script.diagnostics().iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    });
}

#[test]
fn err_files_report_located_errors() {
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::glob!("../fixtures", "syntax/err/*.dg", |path| {
            let src = std::fs::read_to_string(path).unwrap_or_default();
            let script = Script::new(src.as_str());
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file.dg");
            let rendered: String = script
                .diagnostics()
                .iter()
                .map(|d| dg_cli::render::render(name, &src, d, false))
                .collect();
            assert!(script.has_errors(), "{} should have an error", path.display());
            insta::assert_snapshot!(rendered);
        });
    });
}
