//! End to end with a real editor: headless Neovim opens a script with `dg lsp` attached and
//! sees its diagnostics. Skipped (with a note) when `nvim` is not installed; `.ci/run`
//! installs it from Debian's packages when it can.

use std::process::Command;

#[test]
fn neovim_sees_diagnostics_from_dg_lsp() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("skipped: nvim is not installed (apt-get install neovim)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("dg-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("dg.toml"), "").expect("dg.toml");
    let file = dir.join("lead.dg");
    std::fs::write(&file, "lead = Map();\nlead.put(\"Last_Name\", \"Lovelace\")\ninfo lead;\n")
        .expect("script");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nvim/diagnostics.lua");
    let out = Command::new("timeout")
        .args(["60", "nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg(&file)
        .args(["-c", &format!("luafile {script}")])
        .current_dir(&dir)
        .env("DG_BIN", env!("CARGO_BIN_EXE_dg"))
        .env("DG_HOME", dir.join("home"))
        .output()
        .expect("nvim runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2:") && stdout.contains("E0101") && stdout.contains("missing `;`"),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
