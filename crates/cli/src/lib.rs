//! Library side of the `dg` command: diagnostic rendering, shared with the tests.

pub mod render;
