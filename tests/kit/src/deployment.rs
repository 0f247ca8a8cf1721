//! What runs a site: one `rsstreaming serve`, or the handlers as Lambda functions with the
//! gateway beside them. Tests ask for a [`Backend`] and talk to the [`Deployment`] the same way
//! whichever it is.

use crate::lambda::{emulator_available, LambdaStack};
use crate::machine::missing;
use crate::serve::{ServeOptions, Server};
use std::path::Path;
use std::time::Duration;

/// Which deployment a site runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `rsstreaming serve`: the dispatcher and the gateway in one process.
    Serve,
    /// Every route's function under cargo-lambda's emulator behind a stand-in HTTP API, the
    /// gateway as `serve` beside them (see [`crate::lambda`]).
    Lambda,
}

/// A running deployment.
pub enum Deployment {
    Serve(Server),
    Lambda(LambdaStack),
}

impl Deployment {
    /// Starts `backend` for the site in `config`. Without cargo-lambda the Lambda backend runs
    /// on `serve` alone (which proves nothing about Lambda) with a message, or fails under CI.
    pub async fn start(backend: Backend, config: &Path, options: &ServeOptions) -> Self {
        if backend == Backend::Lambda {
            if emulator_available() {
                return Self::Lambda(LambdaStack::start(config, options).await);
            }
            missing("the Lambda emulator (pip install cargo-lambda): running against serve only");
        }
        Self::Serve(Server::start(config, options).await)
    }

    /// `http://127.0.0.1:PORT`: where browsers and clients go (the stand-in API on Lambda).
    pub fn base(&self) -> &str {
        match self {
            Self::Serve(s) => &s.base,
            Self::Lambda(l) => &l.base,
        }
    }

    pub fn port(&self) -> u16 {
        match self {
            Self::Serve(s) => s.port,
            Self::Lambda(l) => l.port,
        }
    }

    /// An absolute URL on this deployment.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// Everything logged so far (on Lambda: the gateway, then each function that ran).
    pub fn log(&self) -> String {
        match self {
            Self::Serve(s) => s.log(),
            Self::Lambda(l) => l.log(),
        }
    }

    /// The long-lived process: `serve`, or the gateway beside the functions.
    pub fn server(&self) -> &Server {
        match self {
            Self::Serve(s) => s,
            Self::Lambda(l) => &l.gateway,
        }
    }

    /// See [`Server::wait_exit`].
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        match self {
            Self::Serve(s) => s.wait_exit(within),
            Self::Lambda(l) => l.gateway.wait_exit(within),
        }
    }

    /// The Lambda stack, when this is one.
    pub fn lambda(&self) -> Option<&LambdaStack> {
        match self {
            Self::Lambda(l) => Some(l),
            Self::Serve(_) => None,
        }
    }
}
