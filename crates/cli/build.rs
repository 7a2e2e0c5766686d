//! Links `dg` as a position-dependent executable on Linux: a PIE binary spends most of an empty
//! script's start-up applying tens of thousands of load-time relocations (docs/benchmarks.md).
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
