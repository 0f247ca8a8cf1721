//! Helpers shared by the integration suites live in `tests/tests/common`.
