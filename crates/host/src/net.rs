//! Real HTTP on a current-thread tokio runtime owned by the host. The registry
//! authenticates and sends (its client follows redirects itself, dropping the
//! credential at any host outside the service); this adds the timeout and size cap.

use dg_connections::{Body, Method, OutgoingRequest, Registry};
use dg_runtime::{HttpBody, HttpRequest, HttpResponse};

pub(crate) struct Net {
    rt: tokio::runtime::Runtime,
}

impl Net {
    pub(crate) fn new() -> Result<Net, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        Ok(Net { rt })
    }

    pub(crate) fn send(
        &mut self,
        registry: &Registry,
        req: &HttpRequest,
    ) -> Result<HttpResponse, String> {
        let method = Method::from_bytes(req.method.as_bytes())
            .map_err(|_| format!("invalid method {}", req.method))?;
        let mut out = OutgoingRequest::parse(method, &req.url).map_err(|e| e.to_string())?;
        out.headers = req.headers.clone();
        out.body = match &req.body {
            HttpBody::None => Body::Empty,
            HttpBody::Text(t) => Body::Bytes(t.clone().into_bytes()),
            HttpBody::Form(f) => Body::Form(f.clone()),
            HttpBody::Multipart(_) => {
                return Err("multipart bodies are not supported by real requests yet".into())
            }
        };
        let timeout = req.timeout;
        let max = req.max_response_bytes;
        let link = req.connection.clone();
        self.rt.block_on(async move {
            let resp = tokio::time::timeout(timeout, registry.send(link.as_deref(), out))
                .await
                .map_err(|_| "socket timeout error".to_string())?
                .map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())
                })
                .collect();
            let mut resp = resp;
            let mut body = Vec::new();
            while let Some(chunk) = tokio::time::timeout(timeout, resp.chunk())
                .await
                .map_err(|_| "socket timeout error".to_string())?
                .map_err(|e| format!("reading the response failed: {}", e.without_url()))?
            {
                body.extend_from_slice(&chunk);
                if body.len() > max {
                    return Err(format!("the response exceeds the limit of {max} bytes"));
                }
            }
            Ok(HttpResponse { status, headers, body })
        })
    }
}
