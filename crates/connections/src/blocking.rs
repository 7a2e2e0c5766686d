//! Blocking forms of [`Registry::apply`] and [`Registry::send`] for synchronous hosts (the
//! interpreter's `Host::http` is synchronous). They run on a small runtime owned by the
//! registry, created on first use.

use crate::error::ConnectionError;
use crate::registry::Registry;
use crate::request::OutgoingRequest;

/// A fully read HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    /// Status code.
    pub status: u16,
    /// Response headers, in order (values that are not UTF-8 are skipped).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Registry {
    /// Blocking [`Registry::apply`]. Fails (rather than panicking) when called from inside an
    /// async runtime: use `apply` there.
    pub fn apply_blocking(
        &self,
        link: &str,
        req: OutgoingRequest,
    ) -> Result<OutgoingRequest, ConnectionError> {
        self.blocking_runtime()?.block_on(self.apply(link, req))
    }

    /// Blocking [`Registry::send`] that also reads the body. Redirects are followed through
    /// [`Registry::follow_redirect`]; a 401 on an OAuth connection is retried once after a
    /// refresh.
    pub fn send_blocking(
        &self,
        link: Option<&str>,
        req: OutgoingRequest,
    ) -> Result<HttpReply, ConnectionError> {
        self.blocking_runtime()?.block_on(async {
            let resp = self.send(link, req).await?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
                .collect();
            let body = resp.bytes().await.map_err(ConnectionError::http)?.to_vec();
            Ok(HttpReply { status, headers, body })
        })
    }

    fn blocking_runtime(&self) -> Result<&tokio::runtime::Runtime, ConnectionError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(ConnectionError::Invalid(
                "the blocking connection API was called from async code; use apply/send".into(),
            ));
        }
        if let Some(rt) = self.blocking_rt.get() {
            return Ok(rt);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("dg-connections")
            .enable_all()
            .build()
            .map_err(|e| ConnectionError::Http(format!("cannot start the HTTP runtime: {e}")))?;
        Ok(self.blocking_rt.get_or_init(|| rt))
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // Dropping a runtime inside async code panics; shutting it down in the background
        // never does.
        if let Some(rt) = self.blocking_rt.take() {
            rt.shutdown_background();
        }
    }
}
