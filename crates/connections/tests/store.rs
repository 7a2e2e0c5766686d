//! Store robustness: killed writers, corrupt and hand-edited files, usage errors.

use std::io::{BufRead, BufReader, Cursor};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use clap::Parser;
use dg_connections::cli::{run_with, CliContext, ConnectionsCommand};
use dg_connections::{AuthState, ConnectionError, NewConnection, Registry};

#[test]
fn killing_a_writer_mid_write_leaves_a_readable_store() {
    let dir = tempfile::tempdir().unwrap();
    let helper = env!("CARGO_BIN_EXE_dg_connections_helper");
    for delay_ms in [30, 90, 170] {
        let mut child = Command::new(helper)
            .args(["write-loop", dir.path().to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready");
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();

        let reg = Registry::open(dir.path()).expect("store readable after kill");
        let conns = reg.connections();
        assert!(!conns.is_empty());
        assert!(conns.iter().all(|c| c.service == "sendgrid"));
    }
}

#[test]
fn corrupt_files_are_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::open(dir.path()).unwrap();
    reg.add_connection(NewConnection {
        link: "k".into(),
        service: "sendgrid".into(),
        ..Default::default()
    })
    .unwrap();
    drop(reg);

    let conns = dir.path().join("connections.toml");
    std::fs::write(&conns, "[connections.k]\nservice = \"sendgrid\"\nscopes = [\"a\",\n").unwrap();
    let err = Registry::open(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ConnectionError::Parse { line: 3 | 4, .. }), "{err:?}");
    assert!(msg.starts_with(&format!("{}:", conns.display())), "{msg}");

    // Hand edits that parse but make no sense: unknown service, bad link name, wrong types.
    for (text, line) in [
        ("# edited\n[connections.k]\nservice = \"nope\"\n", 2),
        ("[connections.Bad-Name]\nservice = \"sendgrid\"\n", 1),
        ("[connections.k]\nservice = \"sendgrid\"\ncreated_at = \"yesterday\"\n", 3),
    ] {
        std::fs::write(&conns, text).unwrap();
        match Registry::open(dir.path()).unwrap_err() {
            ConnectionError::Parse { path, line: l, .. } => {
                assert_eq!(path, conns);
                assert_eq!(l, line, "{text}");
            }
            other => panic!("{other:?}"),
        }
    }
    std::fs::remove_file(&conns).unwrap();

    let secrets = dir.path().join("connection-secrets.toml");
    std::fs::write(&secrets, "[secrets.k]\naccess_token = 42\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let msg = Registry::open(dir.path()).unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}:2:", secrets.display())), "{msg}");
    std::fs::remove_file(&secrets).unwrap();

    let svc = dir.path().join("services").join("mine.toml");
    std::fs::write(&svc, "name = \"mine\"\nauth = \"basic\"\nbase_url = 5\n").unwrap();
    let msg = Registry::open(dir.path()).unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}:3:", svc.display())), "{msg}");
    std::fs::write(&svc, [0xff, 0xfe, 0x00]).unwrap();
    assert!(Registry::open(dir.path()).is_err());
    std::fs::remove_file(&svc).unwrap();
    assert!(Registry::open(dir.path()).is_ok());
}

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: ConnectionsCommand,
}

fn cli(root: &Path, args: &[&str], stdin: &str) -> (i32, String) {
    let cmd = Cli::try_parse_from(std::iter::once("connections").chain(args.iter().copied()))
        .unwrap()
        .cmd;
    let (mut input, mut out, mut err) =
        (Cursor::new(stdin.as_bytes().to_vec()), Vec::new(), Vec::new());
    let mut ctx = CliContext {
        root: Some(root.to_path_buf()),
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
        interactive: false,
    };
    let code = run_with(cmd, &mut ctx);
    (code, format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err)))
}

#[test]
fn cli_exit_codes_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (code, out) = cli(root, &["services", "--json"], "");
    assert_eq!(code, 0);
    let services: serde_json::Value = serde_json::from_str(&out).unwrap();
    let services = services.as_array().unwrap();
    assert!(services.len() >= 50);
    assert!(services.iter().all(|s| s["name"].is_string() && s["auth"].is_string()));

    // Usage errors: exit 2.
    for args in [
        &["add", "Bad-Name", "--service", "sendgrid"][..],
        &["add", "x", "--service", "no_such_service"],
        &["add", "books", "--service", "zoho_books"],
        &["add", "books", "--service", "zoho_books", "--client-id", "c", "--dc", "mars"],
        &["add", "s", "--service", "sendgrid", "--dc", "eu"],
        &["add", "s", "--service", "sendgrid", "--config", "novalue"],
        &["add", "s", "--service", "shopify", "--client-id", "c"],
        &["add", "s", "--service", "shopify", "--client-id", "c", "--config", "shop=a/b"],
    ] {
        let (code, out) = cli(root, args, "");
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(out.starts_with("error: "), "{out}");
    }
    // Failures: exit 1, with the fixing command.
    let (code, out) = cli(root, &["show", "ghost"], "");
    assert_eq!((code, out.contains("dg connections add ghost")), (1, true), "{out}");
    let (code, out) = cli(
        root,
        &[
            "add",
            "books",
            "--service",
            "zoho_books",
            "--client-id",
            "1000.X",
            "--dc",
            "eu",
            "--client-secret-stdin",
        ],
        "s3cret\n",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("http://127.0.0.1:8765/callback"), "{out}");
    let (code, _) =
        cli(root, &["add", "books", "--service", "zoho_books", "--client-id", "1000.X"], "");
    assert_eq!(code, 2, "duplicate link");
    let (code, out) = cli(root, &["refresh", "books"], "");
    assert_eq!(code, 1);
    assert!(out.contains("dg connections authorize books"), "{out}");
    // Prompting without a terminal asks for --stdin instead of hanging.
    cli(root, &["add", "sg", "--service", "sendgrid"], "");
    let (code, out) = cli(root, &["authorize", "sg"], "");
    assert_eq!(code, 2);
    assert!(out.contains("--stdin"), "{out}");
    let (code, _) = cli(root, &["authorize", "sg", "--stdin"], "\n");
    assert_eq!(code, 2, "empty secret refused");
    let (code, _) = cli(root, &["authorize", "sg", "--stdin"], "SG.key\n");
    assert_eq!(code, 0);
    let (code, _) = cli(root, &["logout", "sg"], "");
    assert_eq!(code, 0);
    assert_eq!(
        Registry::open(root).unwrap().connection("sg").unwrap().state,
        AuthState::NotAuthorized
    );
    let (code, _) = cli(root, &["remove", "sg"], "");
    assert_eq!(code, 0);
    let (code, _) = cli(root, &["remove", "sg"], "");
    assert_eq!(code, 1);
    let (code, out) = cli(root, &["service", "remove", "zoho_books"], "");
    assert_eq!(code, 2, "{out}");
}

#[test]
fn the_default_root_is_dg_home_else_the_config_dir() {
    let helper = env!("CARGO_BIN_EXE_dg_connections_helper");
    let dir = tempfile::tempdir().unwrap();
    let run = |envs: &[(&str, &std::ffi::OsStr)]| {
        let mut cmd = Command::new(helper);
        cmd.arg("default-root").env_remove("DG_HOME").env_remove("XDG_CONFIG_HOME");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap().trim().to_string()
    };
    let home = dir.path().join("dg-home");
    assert_eq!(run(&[("DG_HOME", home.as_os_str())]), home.display().to_string());
    #[cfg(target_os = "linux")]
    assert_eq!(
        run(&[("HOME", dir.path().as_os_str())]),
        dir.path().join(".config").join("dg").display().to_string()
    );
}
