//! Link settings of `dg` that start-up time and memory depend on (docs/benchmarks.md,
//! "Start-up"):
//! - Linux: a position-dependent executable — a PIE binary spends most of an empty script's
//!   start-up applying tens of thousands of load-time relocations.
//! - x86_64 Linux with rustc ≥ 1.90 (whose default linker there is the bundled LLD): the
//!   functions start-up runs (`startup-order.txt`, written by `scripts/startup-order.sh`) are
//!   placed side by side, so an empty script touches a few hundred KB of code instead of
//!   ~2.7 MB spread over the binary. `DG_NO_SYMBOL_ORDER=1` turns it off (e.g. with another
//!   linker); names missing from the binary are ignored, so a stale list only orders less well.
use std::path::Path;
use std::process::Command;

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=startup-order.txt");
    println!("cargo:rerun-if-env-changed=DG_NO_SYMBOL_ORDER");
    if uses_bundled_lld() && std::env::var_os("DG_NO_SYMBOL_ORDER").is_none() {
        let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
        let order = Path::new(&dir).join("startup-order.txt");
        if order.is_file() {
            println!("cargo:rustc-link-arg-bin=dg=-Wl,--symbol-ordering-file={}", order.display());
            println!("cargo:rustc-link-arg-bin=dg=-Wl,--no-warn-symbol-ordering");
        }
    }
}

/// Whether `dg` links with the LLD that rustc ≥ 1.90 uses by default on x86_64 Linux (GNU ld
/// does not know `--symbol-ordering-file`), and the build did not opt out of it.
fn uses_bundled_lld() -> bool {
    if std::env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu") {
        return false;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags.contains("linker-features=-lld")
        || flags.contains("link-self-contained=-linker")
        || flags.contains("linker=")
    {
        return false;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = Command::new(rustc).arg("--version").output() else { return false };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = String::from_utf8_lossy(&out.stdout);
    let mut parts =
        version.split_whitespace().nth(1).unwrap_or("").split('.').map(|p| p.parse::<u32>());
    matches!((parts.next(), parts.next()), (Some(Ok(1)), Some(Ok(minor))) if minor >= 90)
}
