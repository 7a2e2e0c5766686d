//! Connection registry for `dg`: the bridge between a Deluge link name
//! (`invokeurl [ url: …, connection: "books" ]`,
//! `zoho.bigin.getRecordById("Contacts", id, Map(), "bigin_conn")`) and an authenticated
//! outgoing HTTP request. Scripts never see a secret.
//!
//! * A [`Service`] says how to authenticate against one API: auth kind, OAuth endpoints,
//!   scopes, where the credential goes, and the hosts it may be sent to. The built-in
//!   [`Catalog`] ships 50+ services (the Zoho family with an explicit data-centre table, and
//!   common third parties); users add custom services in the same TOML vocabulary.
//! * A [`Connection`] binds a link name to a service, scopes, a Zoho data centre, the user's
//!   own OAuth client, and an [`AuthState`].
//! * [`Registry::apply`] turns `(link, OutgoingRequest)` into an authenticated request or a
//!   typed [`ConnectionError`], refreshing tokens as needed (one refresh at a time per
//!   connection, in process and across processes) and refusing hosts outside the service's
//!   allow-list.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dg_connections::ConnectionError> {
//! use dg_connections::{OutgoingRequest, Registry};
//! let registry = Registry::open_default()?;
//! let req = OutgoingRequest::get("https://www.zohoapis.com/books/v3/invoices")?;
//! let req = registry.apply("books", req).await?;
//! let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
//! let _resp = req.to_reqwest(&client).send().await;
//! # Ok(()) }
//! ```
//!
//! Storage: see [`Registry::open`] and `docs/connections.md`. Secrets live in a 0600 file;
//! no OS keyring is used.

mod apply;
mod authorize;
mod blocking;
mod catalog;
pub mod cli;
mod error;
mod hosts;
mod loopback;
mod manage;
mod model;
mod oauth;
mod refresh;
mod registry;
mod request;
mod store;

pub use authorize::PendingAuthorization;
pub use blocking::HttpReply;
pub use catalog::Catalog;
pub use error::ConnectionError;
pub use loopback::LoopbackListener;
pub use model::{
    validate_name, ApiKeyParam, AuthKind, AuthState, ClientAuth, Clock, Confidence, Connection,
    DataCentre, FixedClock, Grant, Location, OAuth2Config, Placement, Service, SystemClock,
};
pub use registry::{NewConnection, OAuthTokens, Registry};
pub use request::{Body, Method, OutgoingRequest};
pub use secrecy::SecretString;
#[doc(hidden)]
pub use store::{CRASH_AT_ENV, CRASH_EXIT_CODE};
pub use url::Url;
