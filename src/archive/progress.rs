//! Progress of long seals and verifies on the terminal — bytes done, rate, time left — as
//! `convert` shows its files: on standard error, and only when that is a terminal (never
//! in a pipe, a log or a test's output). The bar is the command line's (feature `cli`);
//! a library built without it shows nothing.

#[cfg(feature = "cli")]
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over the bytes of one stage at a time, or nothing.
pub struct Progress {
    #[cfg(feature = "cli")]
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Shows nothing.
    pub fn hidden() -> Progress {
        Progress {
            #[cfg(feature = "cli")]
            bar: None,
        }
    }

    /// A bar on standard error when it is a terminal; nothing otherwise.
    #[cfg(not(feature = "cli"))]
    pub fn on_terminal() -> Progress {
        Progress::hidden()
    }

    /// A bar on standard error when it is a terminal; nothing otherwise.
    #[cfg(feature = "cli")]
    pub fn on_terminal() -> Progress {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        // Not drawn until its first stage has a name and a length.
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            // Within 80 columns: "verifying 2.91 GiB/3.00 GiB [====>  ] 179 MiB/s, 1s left".
            ProgressStyle::with_template(
                "{msg} {bytes}/{total_bytes} [{bar:20}] {bytes_per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Progress { bar: Some(bar) }
    }

    /// Starts a stage of `total` bytes, named `what` (`hashing`, `writing`, `verifying`).
    pub fn stage(&self, what: &'static str, total: u64) {
        #[cfg(not(feature = "cli"))]
        let _ = (what, total);
        #[cfg(feature = "cli")]
        if let Some(bar) = &self.bar {
            bar.set_message(what);
            bar.set_length(total);
            bar.reset();
            if bar.is_hidden() {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    /// `bytes` more of the stage are done (from any thread).
    pub fn add(&self, bytes: u64) {
        #[cfg(not(feature = "cli"))]
        let _ = bytes;
        #[cfg(feature = "cli")]
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }
}

#[cfg(feature = "cli")]
impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
