//! `dg connections authorize`: OAuth flows, prompts and `--stdin` input.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::time::Duration;

use secrecy::SecretString;

use super::{out_err, AuthorizeArgs, CliContext};
use crate::error::ConnectionError;
use crate::model::{AuthKind, Grant};
use crate::registry::Registry;
use crate::LoopbackListener;

pub(super) async fn authorize(
    reg: &Registry,
    args: AuthorizeArgs,
    ctx: &mut CliContext<'_>,
) -> Result<(), ConnectionError> {
    let link = args.link.clone();
    let service = reg.service_of(&link)?.clone();
    match service.auth {
        AuthKind::ApiKey => {
            let mut values = BTreeMap::new();
            for p in &service.api_keys {
                let label = p.label.clone().unwrap_or_else(|| p.name.clone());
                values.insert(p.name.clone(), ask_secret(ctx, args.stdin, &label)?);
            }
            reg.set_api_keys(&link, values)?;
        }
        AuthKind::Basic => {
            let user = ask_secret(ctx, args.stdin, "username")?;
            let pass = ask_secret(ctx, args.stdin, "password")?;
            reg.set_basic(&link, user, pass)?;
        }
        AuthKind::Bearer => {
            let token = ask_secret(ctx, args.stdin, "token")?;
            reg.set_bearer(&link, token)?;
        }
        AuthKind::Oauth2 if args.refresh_token_stdin => {
            let token = read_secret_line(ctx.stdin, "refresh token")?;
            reg.import_refresh_token(&link, token).await?;
        }
        AuthKind::Oauth2 if args.code_stdin => {
            let code = read_secret_line(ctx.stdin, "code")?;
            reg.exchange_code(&link, code, None).await?;
        }
        AuthKind::Oauth2 if service.grant() == Some(Grant::ClientCredentials) => {
            reg.authorize_client_credentials(&link).await?;
        }
        AuthKind::Oauth2 => code_flow(reg, &args, &service, ctx).await?,
    }
    writeln!(ctx.stdout, "connection {link} is authorized").map_err(out_err)
}

async fn code_flow(
    reg: &Registry,
    args: &AuthorizeArgs,
    service: &crate::Service,
    ctx: &mut CliContext<'_>,
) -> Result<(), ConnectionError> {
    let port = args.port.or_else(|| service.oauth2.as_ref().and_then(|o| o.redirect_port));
    if !args.stdin && !ctx.interactive {
        // Without a terminal nobody can paste the redirect, and waiting for a browser that
        // was never opened by a person would only time out: fail now, as a usage error.
        let link = &args.link;
        return Err(ConnectionError::Invalid(format!(
            "standard input is not a terminal, so `dg connections authorize {link}` cannot run the browser flow; authorize non-interactively with one of:\n  \
             dg connections authorize {link} --stdin               (open the printed URL elsewhere, then pipe in the redirect URL or code)\n  \
             dg connections authorize {link} --code-stdin          (a code generated in the provider's console, e.g. a Zoho Self Client)\n  \
             dg connections authorize {link} --refresh-token-stdin (an existing refresh token)"
        )));
    }
    if args.stdin {
        let uri = format!("http://127.0.0.1:{}/callback", port.unwrap_or(8765));
        let pending = reg.start_authorization(&args.link, &uri)?;
        let _ = writeln!(ctx.stderr, "Open this URL, approve, then paste the URL you are redirected to (or the code):\n\n  {}\n", pending.url);
        let pasted = read_line(ctx.stdin)?;
        reg.finish_authorization(&pending, &pasted).await?;
        return Ok(());
    }
    let flow_err = |e: ConnectionError| ConnectionError::Authorization {
        link: args.link.clone(),
        message: e.to_string(),
    };
    let listener = LoopbackListener::bind(port.unwrap_or(0)).await.map_err(flow_err)?;
    let pending = reg.start_authorization(&args.link, listener.redirect_uri())?;
    let _ = writeln!(
        ctx.stderr,
        "Open this URL in a browser and approve access:\n\n  {}\n",
        pending.url
    );
    if !args.no_browser && open::that_detached(pending.url.as_str()).is_err() {
        let _ = writeln!(ctx.stderr, "(could not open a browser; open the URL yourself)");
    }
    let _ = writeln!(ctx.stderr, "Waiting on {} ...", listener.redirect_uri());
    if ctx.interactive {
        let _ = writeln!(
            ctx.stderr,
            "If the browser cannot reach this machine, paste the redirect URL here."
        );
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    if ctx.interactive {
        std::thread::spawn(move || {
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_ok() && !line.trim().is_empty() {
                let _ = tx.send(line);
            }
        });
    } else {
        drop(tx);
    }
    let wait = listener.wait(Duration::from_secs(args.timeout));
    let redirect = tokio::select! {
        r = wait => r.map_err(flow_err)?,
        Ok(pasted) = rx => pasted,
    };
    reg.finish_authorization(&pending, &redirect).await?;
    Ok(())
}

/// A secret from stdin (`--stdin`) or a hidden prompt.
fn ask_secret(
    ctx: &mut CliContext<'_>,
    stdin: bool,
    label: &str,
) -> Result<SecretString, ConnectionError> {
    if stdin {
        return read_secret_line(ctx.stdin, label);
    }
    if !ctx.interactive {
        return Err(ConnectionError::Invalid(format!(
            "cannot prompt for {label}: standard input is not a terminal; pass --stdin"
        )));
    }
    let value = rpassword::prompt_password(format!("{label}: "))
        .map_err(|e| ConnectionError::io("<terminal>", e))?;
    non_empty(SecretString::from(value.trim().to_string()), label)
}

pub(super) fn read_secret_line(
    stdin: &mut dyn BufRead,
    label: &str,
) -> Result<SecretString, ConnectionError> {
    non_empty(SecretString::from(read_line(stdin)?), label)
}

fn non_empty(s: SecretString, label: &str) -> Result<SecretString, ConnectionError> {
    use secrecy::ExposeSecret as _;
    if s.expose_secret().is_empty() {
        return Err(ConnectionError::Invalid(format!("empty {label} on standard input")));
    }
    Ok(s)
}

fn read_line(stdin: &mut dyn BufRead) -> Result<String, ConnectionError> {
    let mut line = String::new();
    stdin.read_line(&mut line).map_err(|e| ConnectionError::io("<stdin>", e))?;
    Ok(line.trim().to_string())
}
