//! Writes a generated CRM-like script of about N bytes to stdout, for measuring `dg check` on
//! large files: `cargo run --release -p dg_bench --bin large_script -- 50000000 > big.dg`.

use std::io::Write;

fn main() {
    let bytes = std::env::args().nth(1).and_then(|a| a.parse::<usize>().ok()).unwrap_or(6_000_000);
    let script = dg_bench::large_script(bytes);
    if let Err(e) = std::io::stdout().lock().write_all(script.as_bytes()) {
        eprintln!("large_script: {e}");
        std::process::exit(1);
    }
}
