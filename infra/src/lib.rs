//! Cloud deployment adapter (filled by the Lambda work).
