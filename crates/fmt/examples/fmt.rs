//! Formats the files given as arguments to stdout (a development aid).
fn main() {
    for path in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&path).expect("readable");
        match dg_fmt::format(&src, &dg_fmt::Options::default()) {
            Ok(out) => {
                print!("{out}");
                let again = dg_fmt::format(&out, &dg_fmt::Options::default());
                if again.as_ref() != Ok(&out) {
                    eprintln!("NOT IDEMPOTENT: {path}");
                }
                if !dg_fmt::same_program(&src, &out) {
                    eprintln!("NOT SAME PROGRAM: {path}");
                }
            }
            Err(d) => eprintln!("{path}: {} diagnostics", d.len()),
        }
    }
}
