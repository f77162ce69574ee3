//! Extraction time per report, in process, over the golden inputs (every text form).
//!
//!     cargo bench --bench extract [-- NAME-FILTER]
//!
//! Prints, per input, the median of 50 runs of `gongkai::extract` (read → recognise →
//! checks) plus writing the XML, and the reports per second one core sustains. Each run is
//! timed in CPU time of this thread (`CLOCK_THREAD_CPUTIME_ID`), not wall time: on a
//! machine other work keeps busy, wall time counts that work's turns too.

use std::time::Duration;

use gongkai::input::Input;
use gongkai::ExtractOptions;

const RUNS: usize = 50;

// The allocator the `gongkai` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("golden/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    cases.retain(|c| {
        filter.is_empty()
            || filter
                .iter()
                .any(|f| c.to_string_lossy().contains(f.as_str()))
    });
    println!(
        "{:<28} {:>9} {:>12} {:>12}",
        "input", "bytes", "median", "reports/s"
    );
    let mut total = Duration::ZERO;
    let mut n = 0u32;
    for case in cases {
        let Some(path) = std::fs::read_dir(&case)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.file_stem().is_some_and(|s| s == "input"))
        else {
            continue;
        };
        let input = Input::new("input", std::fs::read(&path).unwrap());
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = thread_cpu_time();
                let report = gongkai::extract(&input, &ExtractOptions::default());
                if let Ok(r) = report {
                    std::hint::black_box(gongkai::writers::xml::to_bytes(&r));
                }
                thread_cpu_time().saturating_sub(start)
            })
            .collect();
        times.sort();
        let median = times[RUNS / 2];
        total += median;
        n += 1;
        println!(
            "{:<28} {:>9} {:>9.2} ms {:>12.0}",
            case.file_name().unwrap().to_string_lossy(),
            input.bytes.len(),
            median.as_secs_f64() * 1e3,
            1.0 / median.as_secs_f64()
        );
    }
    let mean = total / n.max(1);
    println!(
        "mean of medians: {:.2} ms per report, {:.0} reports/s on one core",
        mean.as_secs_f64() * 1e3,
        1.0 / mean.as_secs_f64()
    );
}

/// CPU time this thread has used.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill.
    let done = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(done, 0, "CLOCK_THREAD_CPUTIME_ID is available on Linux");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}
