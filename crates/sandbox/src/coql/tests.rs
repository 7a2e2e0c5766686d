//! Unit tests of COQL queries against a small CRM store.
