//! The integration tests of `dg_connections`, in one test binary (one build of the shared
//! fake OAuth server instead of one per file).

mod cli_flow;
mod common;
mod flows;
mod redirects;
mod refresh;
mod secrets;
mod store;
