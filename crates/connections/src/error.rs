//! The one error type of the crate.
//!
//! Every message names the link (or file) concerned and, where there is one, the command that
//! fixes the problem. No variant ever carries a secret: token endpoint answers are redacted
//! before they are stored in an error, and transport errors drop their URL.

use std::path::PathBuf;

/// Everything that can go wrong while resolving, authorizing or applying a connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// No connection with this link name exists.
    #[error("connection \"{link}\" was not found; create it with `dg connections add {link} --service NAME` (see `dg connections list`)")]
    NotFound { link: String },

    /// The connection exists but was never authorized.
    #[error("connection \"{link}\" is not authorized; run `dg connections authorize {link}`")]
    NotAuthorized { link: String },

    /// The stored authorization no longer works (revoked, expired refresh token, ...).
    #[error("connection \"{link}\" needs re-authorization ({reason}); run `dg connections authorize {link}`")]
    NeedsReauthorization { link: String, reason: String },

    /// The request goes to a host the service's credential may not be sent to.
    #[error("connection \"{link}\" may not be used for host \"{host}\" (allowed: {allowed}); the credential was not sent")]
    HostNotAllowed { link: String, host: String, allowed: String },

    /// The request would send a credential over plain HTTP to a non-loopback host.
    #[error("connection \"{link}\" refuses to send its credential over plain http to \"{host}\"; use https")]
    InsecureUrl { link: String, host: String },

    /// The connection was not granted a scope the call needs.
    #[error("connection \"{link}\" lacks scope \"{scope}\"; run `dg connections add {link} --service {service} --scope {scope} --force` then `dg connections authorize {link}`")]
    ScopeMissing { link: String, service: String, scope: String },

    /// No service of that name in the catalog or among the custom services.
    #[error("unknown service \"{name}\"; see `dg connections services`")]
    UnknownService { name: String },

    /// A link or service name breaks the naming rule.
    #[error("invalid name \"{name}\": use 1-50 characters, a lowercase letter first, then lowercase letters, digits or `_`")]
    InvalidName { name: String },

    /// The link name is taken.
    #[error("connection \"{link}\" already exists; pass --force to replace it or `dg connections remove {link}` first")]
    AlreadyExists { link: String },

    /// Invalid user input (bad flag value, bad service description, bad request).
    #[error("{0}")]
    Invalid(String),

    /// A configuration or secrets file could not be parsed.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse { path: PathBuf, line: usize, column: usize, message: String },

    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The token endpoint refused a request for a reason other than a dead grant.
    #[error("connection \"{link}\": token request failed: {message}")]
    Token { link: String, message: String },

    /// The authorization flow failed (state mismatch, user denied, timeout, ...).
    #[error("authorizing connection \"{link}\" failed: {message}")]
    Authorization { link: String, message: String },

    /// A network error talking to a token endpoint or an API.
    #[error("HTTP error: {0}")]
    Http(String),
}

impl ConnectionError {
    /// The process exit code a command line tool should use: `2` for usage errors (bad names,
    /// unknown services, bad input), `1` for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::InvalidName { .. }
            | Self::UnknownService { .. }
            | Self::Invalid(_)
            | Self::AlreadyExists { .. } => 2,
            _ => 1,
        }
    }

    /// A short stable identifier of the variant, for `--json` output and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "not_found",
            Self::NotAuthorized { .. } => "not_authorized",
            Self::NeedsReauthorization { .. } => "needs_reauthorization",
            Self::HostNotAllowed { .. } => "host_not_allowed",
            Self::InsecureUrl { .. } => "insecure_url",
            Self::ScopeMissing { .. } => "scope_missing",
            Self::UnknownService { .. } => "unknown_service",
            Self::InvalidName { .. } => "invalid_name",
            Self::AlreadyExists { .. } => "already_exists",
            Self::Invalid(_) => "invalid",
            Self::Parse { .. } => "parse",
            Self::Io { .. } => "io",
            Self::Token { .. } => "token",
            Self::Authorization { .. } => "authorization",
            Self::Http(_) => "http",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }

    /// Builds a [`ConnectionError::Parse`] from a TOML error, computing line and column from
    /// the error's byte span in `text`.
    pub(crate) fn toml(path: impl Into<PathBuf>, text: &str, err: &toml::de::Error) -> Self {
        let (line, column) = err.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        Self::Parse { path: path.into(), line, column, message: err.message().trim().to_string() }
    }

    pub(crate) fn http(err: reqwest::Error) -> Self {
        // Drop the URL: API-key query parameters would otherwise end up in the message.
        Self::Http(err.without_url().to_string())
    }
}

/// 1-based line and column of byte offset `pos` in `text`.
pub(crate) fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let before = text.get(..pos).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Replaces every occurrence of each secret in `text` with `[REDACTED]`, longest secrets
/// first (so a secret containing another is not left half visible).
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut sorted: Vec<&str> = secrets.iter().copied().filter(|s| s.len() >= 4).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for s in sorted {
        out = out.replace(s, "[REDACTED]");
    }
    out
}

/// Redacts `text`, then keeps at most `max_chars` characters (marking the cut with `…`).
/// Always in this order: cutting first could split a secret so that its start survives.
pub(crate) fn redact_then_cut(text: &str, secrets: &[&str], max_chars: usize) -> String {
    let clean = redact(text, secrets);
    if clean.chars().count() <= max_chars {
        return clean;
    }
    let mut cut: String = clean.chars().take(max_chars).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("", 10), (1, 1));
    }

    #[test]
    fn redact_replaces_secrets() {
        assert_eq!(redact("x=SECRET1 y", &["SECRET1"]), "x=[REDACTED] y");
    }

    #[test]
    fn longer_secrets_are_redacted_first() {
        let out = redact(
            "a=short-secret-plus-more b=short-secret",
            &["short-secret", "short-secret-plus-more"],
        );
        assert_eq!(out, "a=[REDACTED] b=[REDACTED]");
        assert_eq!(redact_then_cut("0123456789", &[], 4), "0123…");
        assert_eq!(redact_then_cut("xxSECRETxx", &["SECRET"], 4), "xx[R…");
    }

    #[test]
    fn exit_codes() {
        assert_eq!(ConnectionError::Invalid("x".into()).exit_code(), 2);
        assert_eq!(ConnectionError::NotFound { link: "a".into() }.exit_code(), 1);
    }
}
