//! The RFC 8252 loopback redirect listener: a tiny HTTP server on `127.0.0.1` that waits for
//! the browser to come back with `?code=…&state=…`.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::error::ConnectionError;

const PAGE: &str = "<!doctype html><html><body><h1>dg</h1>\
<p>The authorization answer was received. You may close this tab and return to the terminal.</p>\
</body></html>";

/// A bound loopback listener. Create it before building the authorization URL so that the
/// redirect URI carries the real port.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    redirect_uri: String,
    path: String,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:port` (0 = any free port). The redirect URI is
    /// `http://127.0.0.1:PORT/callback`.
    pub async fn bind(port: u16) -> Result<Self, ConnectionError> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            ConnectionError::Invalid(format!("cannot listen on 127.0.0.1:{port}: {e}"))
        })?;
        let port = listener.local_addr().map_err(|e| ConnectionError::Http(e.to_string()))?.port();
        let path = "/callback".to_string();
        Ok(Self { listener, redirect_uri: format!("http://127.0.0.1:{port}{path}"), path })
    }

    /// The redirect URI to register with the provider and send in the authorization request.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Serves until one request reaches the callback path, then returns the full redirect URL
    /// (`redirect_uri?query`). Other paths (favicon, ...) get a 404. Fails after `timeout`.
    pub async fn wait(self, timeout: Duration) -> Result<String, ConnectionError> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(1);
        let path = self.path.clone();
        let listener = self.listener;
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let tx = tx.clone();
                let path = path.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let hit = req.uri().path() == path;
                        if hit {
                            let _ = tx.try_send(req.uri().query().unwrap_or_default().to_string());
                        }
                        async move {
                            let mut resp = Response::new(Full::new(Bytes::from_static(if hit {
                                PAGE.as_bytes()
                            } else {
                                b"not found"
                            })));
                            if !hit {
                                *resp.status_mut() = StatusCode::NOT_FOUND;
                            }
                            resp.headers_mut().insert(
                                hyper::header::CONTENT_TYPE,
                                hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
                            );
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        let got = tokio::time::timeout(timeout, rx.recv()).await;
        // Give the browser its page before the listener goes away.
        tokio::time::sleep(Duration::from_millis(50)).await;
        accept.abort();
        match got {
            Ok(Some(query)) => Ok(format!("{}?{query}", self.redirect_uri)),
            Ok(None) => Err(ConnectionError::Http("the loopback listener stopped".into())),
            Err(_) => Err(ConnectionError::Invalid(format!(
                "no answer on {} within {}s; paste the redirect URL instead (--stdin)",
                self.redirect_uri,
                timeout.as_secs()
            ))),
        }
    }
}
