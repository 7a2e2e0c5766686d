//! Store robustness: killed writers, corrupt and hand-edited files, usage errors.

use std::io::{BufRead, BufReader, Cursor};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::clock;
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
    let reg = Registry::open(dir.path()).unwrap().with_clock(clock());
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
        clock: Some(clock()),
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
        Registry::open(root).unwrap().with_clock(clock()).connection("sg").unwrap().state,
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

fn temp_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dg-tmp-") || n.starts_with(".tmp-"))
        .collect();
    out.sort();
    out
}

fn set_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Deterministic version of the kill test: the helper process performs one store update and
/// exits like `kill -9` at the N-th crash point of the write path (between every step of
/// the atomic write), for N = 1, 2, … until it gets through. After every crash each file
/// holds exactly its old or its new bytes, and the temporary file left behind is deleted by
/// the next open. A non-atomic write (in place) fails the byte check; a write that bypasses
/// the crash points fails the count.
#[test]
fn a_write_interrupted_at_any_step_leaves_the_old_or_the_new_files() {
    use crate::common::{run_helper, NOW};
    use dg_connections::{CRASH_AT_ENV, CRASH_EXIT_CODE};
    let dir = tempfile::tempdir().unwrap();
    let (root, copy) = (dir.path().join("home"), dir.path().join("copy"));
    let reg = Registry::open(&root).unwrap().with_clock(clock());
    reg.add_connection(NewConnection {
        link: "k".into(),
        service: "sendgrid".into(),
        ..Default::default()
    })
    .unwrap();
    drop(reg);
    let files = ["connection-secrets.toml", "connections.toml"];
    let old: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(root.join(f)).unwrap()).collect();
    let restore = || {
        for (f, bytes) in files.iter().zip(&old) {
            std::fs::write(root.join(f), bytes).unwrap();
            set_private(&root.join(f));
        }
    };
    // The new content, from an uninterrupted run on a copy.
    std::fs::create_dir_all(&copy).unwrap();
    for f in files {
        std::fs::copy(root.join(f), copy.join(f)).unwrap();
        set_private(&copy.join(f));
    }
    let now = NOW.to_string();
    let update = |at: &Path, crash: Option<u32>| {
        let n = crash.map(|n| n.to_string());
        let envs: Vec<(&str, &str)> = n.iter().map(|n| (CRASH_AT_ENV, n.as_str())).collect();
        let args = ["set-key", at.to_str().unwrap(), "k", "SG.new-key", now.as_str()];
        run_helper(&args, &envs, false, Duration::from_secs(60))
    };
    assert_eq!(update(&copy, None).0, Some(0));
    let new: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(copy.join(f)).unwrap()).collect();
    for i in 0..files.len() {
        assert_ne!(old[i], new[i], "{} changes", files[i]);
    }

    let (mut crashes, mut left_behind) = (0, 0);
    for n in 1u32.. {
        assert!(n < 200, "the update never finished");
        restore();
        let (code, _, err) = update(&root, Some(n));
        if code == Some(0) {
            break;
        }
        assert_eq!(code, Some(CRASH_EXIT_CODE), "crash point {n}: {err}");
        crashes += 1;
        for (i, f) in files.iter().enumerate() {
            let now = std::fs::read(root.join(f)).unwrap();
            assert!(
                now == old[i] || now == new[i],
                "crash point {n}: {f} is neither the old nor the new content:\n{}",
                String::from_utf8_lossy(&now)
            );
        }
        if !temp_files(&root).is_empty() {
            left_behind += 1;
        }
        let reg = Registry::open(&root).expect("the store opens after a crash");
        assert!(temp_files(&root).is_empty(), "crash point {n}: {:?}", temp_files(&root));
        assert!(reg.connection("k").is_some());
    }
    assert!(
        crashes >= 10,
        "only {crashes} crash points were reached: writes must go through atomic_write"
    );
    assert!(left_behind >= 8, "temporary files were left at {left_behind} crash points");
    for (i, f) in files.iter().enumerate() {
        assert_eq!(std::fs::read(root.join(f)).unwrap(), new[i], "{f} after the full run");
    }
}

/// Temporary files of our naming pattern are deleted on open; other files are kept.
#[test]
fn stale_temporary_files_are_removed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    drop(Registry::open(dir.path()).unwrap());
    let services = dir.path().join("services");
    for path in [
        dir.path().join(".dg-tmp-Ab12cd"),
        dir.path().join(".tmp-X1y2Z3"),
        services.join(".dg-tmp-zz"),
        dir.path().join(".tmp-notes.txt"),
        dir.path().join("notes.txt"),
    ] {
        std::fs::write(&path, "x").unwrap();
    }
    drop(Registry::open(dir.path()).unwrap());
    assert_eq!(temp_files(dir.path()), [".tmp-notes.txt"]);
    assert!(temp_files(&services).is_empty());
    assert!(dir.path().join("notes.txt").exists());
}

/// Both store files end with a line dg writes; cut anywhere (in particular exactly at a line
/// boundary) they are refused with an error naming the file. Files without the format
/// header (older dg versions) are read as they are.
#[test]
fn a_store_file_cut_short_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let reg = Registry::open(root).unwrap().with_clock(clock());
    for link in ["a", "b"] {
        reg.add_connection(NewConnection {
            link: link.into(),
            service: "sendgrid".into(),
            ..Default::default()
        })
        .unwrap();
        let key = std::collections::BTreeMap::from([(
            "Authorization".to_string(),
            dg_connections::SecretString::from(format!("SG.key-{link}")),
        )]);
        reg.set_api_keys(link, key).unwrap();
    }
    drop(reg);
    for file in ["connection-secrets.toml", "connections.toml"] {
        let path = root.join(file);
        let full = std::fs::read_to_string(&path).unwrap();
        assert!(full.starts_with("# dg file format 2"), "{full}");
        assert!(full.ends_with(&format!("# end of {file}\n")), "{full}");
        let mut cuts: Vec<usize> =
            full.match_indices('\n').map(|(i, _)| i + 1).filter(|&i| i < full.len()).collect();
        cuts.extend([0, full.len() - 3]);
        for cut in cuts {
            std::fs::write(&path, &full[..cut]).unwrap();
            set_private(&path);
            match Registry::open(root) {
                Err(ConnectionError::Parse { path: p, message, .. }) => {
                    assert_eq!(p, path, "cut at {cut}");
                    assert!(
                        message.contains("cut short") || message.contains("empty"),
                        "{message}"
                    );
                }
                other => panic!("{file} cut at byte {cut} of {}: {other:?}", full.len()),
            }
        }
        // A hand edit that keeps the end line is fine, and so is a missing final newline.
        let edited = full.replacen('\n', "\n# my note\n", 1);
        std::fs::write(&path, edited.trim_end()).unwrap();
        set_private(&path);
        assert!(Registry::open(root).is_ok());
        // A file of an older dg (no header, no end line) is read as it is.
        let legacy: String = full
            .lines()
            .filter(|l| !l.starts_with("# dg file format") && !l.starts_with("# end of"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&path, legacy).unwrap();
        set_private(&path);
        let reg = Registry::open(root).unwrap();
        assert_eq!(reg.connections().len(), 2);
        std::fs::write(&path, &full).unwrap();
        set_private(&path);
    }
}

/// Invalid UTF-8 is reported with the file, line, column and byte offset.
#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    drop(Registry::open(dir.path()).unwrap());
    let svc = dir.path().join("services").join("mine.toml");
    std::fs::write(&svc, b"name = \"mine\"\nauth = \xff\"basic\"\n").unwrap();
    let err = Registry::open(dir.path()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{}:2:8:", svc.display())), "{msg}");
    assert!(msg.contains("byte offset 21"), "{msg}");
    std::fs::remove_file(&svc).unwrap();

    // `service add FILE` says the same about the file given.
    let outside = dir.path().join("new.toml");
    std::fs::write(&outside, b"name = \"x\xc3\"\n").unwrap();
    let (code, out) = cli(dir.path(), &["service", "add", outside.to_str().unwrap()], "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("{}:1:10:", outside.display())), "{out}");

    let secrets = dir.path().join("connection-secrets.toml");
    std::fs::write(&secrets, b"[secrets.k]\naccess_token = \"\xe2\x82\"\n").unwrap();
    set_private(&secrets);
    let msg = Registry::open(dir.path()).unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}:2:17:", secrets.display())), "{msg}");
}
