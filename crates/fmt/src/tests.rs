use super::*;

fn fmt(src: &str) -> String {
    match format(src, &Options::default()) {
        Ok(out) => out,
        Err(d) => panic!("syntax error: {d:?}"),
    }
}

#[test]
fn smoke() {
    assert_eq!(fmt("x=1;"), "x = 1;\n");
}
