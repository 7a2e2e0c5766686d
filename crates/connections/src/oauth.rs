//! OAuth 2 building blocks: PKCE, `state`, the authorization URL, token requests and a
//! tolerant token-response parser (HTTP 200 carrying `error`, `expires_in` as text,
//! form-encoded answers, extra fields such as Zoho's `api_domain`).

use std::collections::BTreeMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rand::RngCore as _;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::redact_then_cut;
use crate::model::ClientAuth;

/// A PKCE verifier (secret) and its S256 challenge.
pub(crate) struct Pkce {
    pub verifier: SecretString,
    pub challenge: String,
}

/// 32 random bytes, base64url: a 43-character verifier (RFC 7636 §4.1).
pub(crate) fn pkce() -> Pkce {
    let verifier = random_token(32);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce { verifier: SecretString::from(verifier), challenge }
}

/// A random URL-safe token of `n` bytes of entropy (used for `state`).
pub(crate) fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Where and how to ask for tokens.
pub(crate) struct TokenEndpoint<'a> {
    pub url: String,
    pub client_auth: ClientAuth,
    pub client_id: &'a str,
    pub client_secret: Option<&'a SecretString>,
    pub extra_params: &'a BTreeMap<String, String>,
}

/// A successful token response.
pub(crate) struct TokenResponse {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
    /// Other string fields (`api_domain`, `instance_url`, `token_type`, ...), token-bearing
    /// fields excluded.
    pub fields: BTreeMap<String, String>,
}

/// A failed token request.
#[derive(Debug)]
pub(crate) enum TokenFailure {
    /// The grant (refresh token / code) or the client is dead: the user must re-authorize.
    Dead(String),
    /// Anything else (server error, malformed answer, network).
    Other(String),
}

/// POSTs a form to the token endpoint (no redirects are followed: the client given must be
/// built with `redirect::Policy::none()`), then parses the answer.
pub(crate) async fn token_request(
    http: &reqwest::Client,
    ep: &TokenEndpoint<'_>,
    params: Vec<(&str, String)>,
    known_secrets: &[&str],
) -> Result<TokenResponse, TokenFailure> {
    let mut form: Vec<(String, String)> =
        params.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    form.extend(ep.extra_params.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut rb = http.post(&ep.url).header("Accept", "application/json");
    match (ep.client_auth, ep.client_secret) {
        (ClientAuth::Basic, Some(secret)) => {
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let raw = format!("{}:{}", enc(ep.client_id), enc(secret.expose_secret()));
            rb = rb.header("Authorization", format!("Basic {}", STANDARD.encode(raw)));
        }
        (_, secret) => {
            form.push(("client_id".into(), ep.client_id.to_string()));
            if let Some(secret) = secret {
                form.push(("client_secret".into(), secret.expose_secret().to_string()));
            }
        }
    }
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
    let resp = rb
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| TokenFailure::Other(e.without_url().to_string()))?;
    let status = resp.status().as_u16();
    let text = resp.text().await.map_err(|e| TokenFailure::Other(e.without_url().to_string()))?;
    let mut secrets: Vec<&str> = known_secrets.to_vec();
    if let Some(s) = ep.client_secret {
        secrets.push(s.expose_secret());
    }
    parse_token_body(status, &text, &secrets)
}

/// Parses a token endpoint answer, tolerating the usual deviations from RFC 6749 §5. Texts
/// echoed from the answer into an error are redacted of `secrets` before they are cut to
/// length.
pub(crate) fn parse_token_body(
    status: u16,
    body: &str,
    secrets: &[&str],
) -> Result<TokenResponse, TokenFailure> {
    let fields: BTreeMap<String, serde_json::Value> =
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
            _ => url::form_urlencoded::parse(body.trim().as_bytes())
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect(),
        };
    let text = |k: &str| match fields.get(k) {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(v @ serde_json::Value::Number(_)) => Some(v.to_string()),
        _ => None,
    };
    if let Some(code) = text("error") {
        let desc = text("error_description")
            .map(|d| format!(": {}", redact_then_cut(&d, secrets, MAX_DESCRIPTION)));
        let shown = redact_then_cut(&code, secrets, MAX_CODE);
        let msg = format!("{shown}{} (HTTP {status})", desc.unwrap_or_default());
        return Err(match code.as_str() {
            // Zoho answers `invalid_code` for a revoked or unknown refresh token.
            "invalid_grant" | "invalid_code" | "invalid_client" | "unauthorized_client" => {
                TokenFailure::Dead(msg)
            }
            _ => TokenFailure::Other(msg),
        });
    }
    let Some(access_token) = text("access_token") else {
        return Err(TokenFailure::Other(if (200..300).contains(&status) {
            format!("the token response (HTTP {status}) has no access_token")
        } else {
            format!("HTTP {status} from the token endpoint")
        }));
    };
    if !(200..300).contains(&status) {
        return Err(TokenFailure::Other(format!("HTTP {status} from the token endpoint")));
    }
    let expires_in = ["expires_in", "expires_in_sec"]
        .iter()
        .filter_map(|k| text(k))
        .find_map(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.min(1e12) as i64);
    let secret_keys = ["access_token", "refresh_token", "id_token", "error"];
    let other = fields
        .iter()
        .filter(|(k, _)| !secret_keys.contains(&k.as_str()))
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
        .collect();
    Ok(TokenResponse {
        access_token: SecretString::from(access_token),
        refresh_token: text("refresh_token").map(SecretString::from),
        expires_in,
        scope: text("scope"),
        fields: other,
    })
}

/// Longest `error` code and `error_description` kept in messages, in characters.
const MAX_CODE: usize = 80;
const MAX_DESCRIPTION: usize = 200;

/// Splits a granted-scope string on spaces, commas and plus signs.
pub(crate) fn split_scopes(s: &str) -> Vec<String> {
    s.split([' ', ',', '+']).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// Extracts `(code, state, all query pairs)` from a pasted redirect URL, a bare query string,
/// or a bare code.
pub(crate) fn parse_pasted(input: &str) -> BTreeMap<String, String> {
    let input = input.trim();
    let query = if let Ok(url) = url::Url::parse(input) {
        url.query().unwrap_or_default().to_string()
    } else if let Some((_, q)) = input.split_once('?') {
        q.to_string()
    } else if input.contains("code=") || input.contains("error=") {
        input.to_string()
    } else {
        return BTreeMap::from([("code".to_string(), input.to_string())]);
    };
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(status: u16, body: &str) -> TokenResponse {
        parse_token_body(status, body, &[]).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn tolerant_parsing() {
        let r = ok(200, r#"{"access_token":"a","expires_in":"3600","api_domain":"https://x"}"#);
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(r.fields["api_domain"], "https://x");
        assert!(r.refresh_token.is_none());
        let r = ok(200, "access_token=a&scope=repo%2Cuser&token_type=bearer");
        assert_eq!(r.scope.as_deref(), Some("repo,user"));
        assert_eq!(ok(200, r#"{"access_token":"a","expires_in":12.5}"#).expires_in, Some(12));
        assert_eq!(ok(200, r#"{"access_token":"a","expires_in":"soon"}"#).expires_in, None);
        assert!(matches!(
            parse_token_body(200, r#"{"error":"invalid_code"}"#, &[]),
            Err(TokenFailure::Dead(_))
        ));
        assert!(matches!(
            parse_token_body(400, r#"{"error":"invalid_grant"}"#, &[]),
            Err(TokenFailure::Dead(_))
        ));
        assert!(matches!(parse_token_body(500, "<html>", &[]), Err(TokenFailure::Other(_))));
        assert!(matches!(parse_token_body(200, "[1,2]", &[]), Err(TokenFailure::Other(_))));
        assert!(matches!(
            parse_token_body(200, r#"{"error":"slow_down"}"#, &[]),
            Err(TokenFailure::Other(_))
        ));
    }

    /// Every 8-character window of `secret` that appears in `text`.
    fn leaked_fragments(text: &str, secret: &str) -> Vec<String> {
        let chars: Vec<char> = secret.chars().collect();
        chars
            .windows(8)
            .map(|w| w.iter().collect::<String>())
            .filter(|w| text.contains(w.as_str()))
            .collect()
    }

    #[test]
    fn secrets_echoed_anywhere_in_long_error_texts_never_survive() {
        let secrets = [
            "AT-0123456789abcdefghijklmnopqrstuvwxyz", // access token
            "RT-zyxwvutsrqponmlkjihgfedcba9876543210", // refresh token
            "CS-client-secret-QWERTYUIOPASDFGHJKL",    // client secret
            "AK-api-key-MNBVCXZLKJHGFDSAPOIUYTREW",    // API key
        ];
        for secret in secrets {
            let n = secret.chars().count();
            // Start, middle, end, and straddling both cuts (80 for `error`, 200 for the
            // description), one character at a time around each cut.
            let mut positions = vec![0, 40, 100, 150, 250, 390];
            positions.extend((MAX_CODE - n)..=MAX_CODE);
            positions.extend((MAX_DESCRIPTION - n)..=(MAX_DESCRIPTION + 1));
            for pos in positions {
                let filler = "x".repeat(400);
                let mut text = filler[..pos].to_string();
                text.push_str(secret);
                text.push_str(&filler[pos..]);
                for field in ["error", "error_description"] {
                    let body = if field == "error" {
                        serde_json::json!({ "error": text }).to_string()
                    } else {
                        serde_json::json!({ "error": "invalid_grant", "error_description": text })
                            .to_string()
                    };
                    let msg = match parse_token_body(400, &body, &secrets) {
                        Err(TokenFailure::Dead(m) | TokenFailure::Other(m)) => m,
                        Ok(_) => panic!("an error answer parsed as tokens"),
                    };
                    let leaks = leaked_fragments(&msg, secret);
                    assert!(leaks.is_empty(), "{field} at {pos}: {leaks:?} in {msg}");
                    assert!(msg.chars().count() < 320, "still cut to length: {msg}");
                }
            }
        }
        // Not vacuous: without the secret list the text is kept, up to the cut.
        let body = serde_json::json!({"error": "invalid_grant", "error_description": secrets[0]});
        let Err(TokenFailure::Dead(m)) = parse_token_body(400, &body.to_string(), &[]) else {
            panic!()
        };
        assert!(m.contains(secrets[0]));
    }

    #[test]
    fn pkce_is_s256_of_verifier() {
        let p = pkce();
        assert_eq!(p.verifier.expose_secret().len(), 43);
        let expect = URL_SAFE_NO_PAD.encode(Sha256::digest(p.verifier.expose_secret().as_bytes()));
        assert_eq!(p.challenge, expect);
    }

    #[test]
    fn pasted_values() {
        let m = parse_pasted("http://127.0.0.1:1/callback?code=abc&state=s1");
        assert_eq!((m["code"].as_str(), m["state"].as_str()), ("abc", "s1"));
        assert_eq!(parse_pasted("  xyz \n")["code"], "xyz");
        assert_eq!(parse_pasted("code=q&state=r")["state"], "r");
        assert_eq!(split_scopes("a,b c+d"), ["a", "b", "c", "d"]);
    }
}
